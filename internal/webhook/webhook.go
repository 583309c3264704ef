// Package webhook sends Halo's outbound webhooks (referrals to vendors) and guards them against
// server-side request forgery: a vendor-supplied URL must not make halod reach private, loopback
// or link-local addresses — the cloud metadata service, Neo4j, Redis — unless the operator's
// allowlist (HALO_WEBHOOK_ALLOW) names the address. The check runs when the URL is saved and
// again on every connection, against the address actually dialled, so DNS rebinding cannot
// slip past it; redirects are not followed.
package webhook

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"syscall"
	"time"

	"github.com/halo-oss/halo/graph"
)

// Guard decides which addresses outbound webhooks may reach.
type Guard struct {
	// Allow are networks reachable even though private or loopback (tests, an on-premises vendor).
	Allow []netip.Prefix
	// AllowHosts are host names allowed to use plain http (with their addresses in Allow).
	AllowHosts map[string]bool
	Resolver   *net.Resolver
}

// ParseAllow reads HALO_WEBHOOK_ALLOW: comma-separated CIDRs, addresses or host names.
func ParseAllow(s string) (*Guard, error) {
	g := &Guard{AllowHosts: map[string]bool{}}
	for _, f := range strings.Split(s, ",") {
		f = strings.TrimSpace(f)
		switch {
		case f == "":
		case strings.Contains(f, "/"):
			p, err := netip.ParsePrefix(f)
			if err != nil {
				return nil, fmt.Errorf("HALO_WEBHOOK_ALLOW: %q is not a CIDR", f)
			}
			g.Allow = append(g.Allow, p.Masked())
		default:
			if a, err := netip.ParseAddr(f); err == nil {
				g.Allow = append(g.Allow, netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()))
				g.AllowHosts[a.Unmap().String()] = true
				continue
			}
			g.AllowHosts[strings.ToLower(f)] = true
		}
	}
	return g, nil
}

var special = []netip.Prefix{
	netip.MustParsePrefix("0.0.0.0/8"),      // "this network"
	netip.MustParsePrefix("100.64.0.0/10"),  // carrier-grade NAT
	netip.MustParsePrefix("192.0.0.0/24"),   // IETF protocol assignments
	netip.MustParsePrefix("198.18.0.0/15"),  // benchmarking
	netip.MustParsePrefix("240.0.0.0/4"),    // reserved
	netip.MustParsePrefix("64:ff9b:1::/48"), // local-use NAT64
	netip.MustParsePrefix("2001:db8::/32"),  // documentation
	netip.MustParsePrefix("255.255.255.255/32"),
}

// Public reports whether a is an address on the public Internet.
func Public(a netip.Addr) bool {
	a = a.Unmap()
	if !a.IsValid() || a.IsLoopback() || a.IsPrivate() || a.IsLinkLocalUnicast() || a.IsLinkLocalMulticast() || a.IsMulticast() ||
		a.IsUnspecified() || a.IsInterfaceLocalMulticast() {
		return false
	}
	for _, p := range special {
		if p.Contains(a) {
			return false
		}
	}
	return true
}

func (g *Guard) allowed(a netip.Addr) bool {
	a = a.Unmap()
	for _, p := range g.Allow {
		if p.Contains(a) {
			return true
		}
	}
	return Public(a)
}

// Check implements sales.URLGuard: the URL's host must resolve only to addresses it may reach,
// and plain http is for allowlisted hosts only.
func (g *Guard) Check(ctx context.Context, raw string) error {
	u, err := url.Parse(raw)
	if err != nil || u.Hostname() == "" {
		return graph.Invalid("is not an absolute URL")
	}
	host := strings.ToLower(u.Hostname())
	if u.Scheme != "https" && !(u.Scheme == "http" && g.AllowHosts[host]) {
		return graph.Invalid("must use https (plain http only for hosts in HALO_WEBHOOK_ALLOW)")
	}
	if p := u.Port(); p != "" && p != "443" && p != "80" && !g.AllowHosts[host] {
		return graph.Invalid("must use the standard port (443) unless the host is in HALO_WEBHOOK_ALLOW")
	}
	addrs, err := g.resolve(ctx, host)
	if err != nil {
		return graph.Invalid("host %s does not resolve", host)
	}
	for _, a := range addrs {
		if !g.allowed(a) {
			return graph.Invalid("host %s resolves to %s, a private, loopback or link-local address; such targets need HALO_WEBHOOK_ALLOW", host, a)
		}
	}
	return nil
}

func (g *Guard) resolve(ctx context.Context, host string) ([]netip.Addr, error) {
	if a, err := netip.ParseAddr(host); err == nil {
		return []netip.Addr{a}, nil
	}
	r := g.Resolver
	if r == nil {
		r = net.DefaultResolver
	}
	ips, err := r.LookupNetIP(ctx, "ip", host)
	if err == nil && len(ips) == 0 {
		err = errors.New("no addresses")
	}
	return ips, err
}

// control runs on every connection, with the address about to be dialled.
func (g *Guard) control(_, address string, _ syscall.RawConn) error {
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return fmt.Errorf("webhook: refusing to dial %s", address)
	}
	if !g.allowed(ap.Addr()) {
		return fmt.Errorf("webhook: refusing to dial %s: a private, loopback or link-local address not in HALO_WEBHOOK_ALLOW", ap.Addr())
	}
	return nil
}

// Sender POSTs webhooks through the guard.
type Sender struct {
	client *http.Client
}

// NewSender builds the HTTP client: no proxy from the environment, no redirects, the guard on
// every dial, connections kept alive per vendor.
func NewSender(g *Guard) *Sender {
	d := &net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second, Control: g.control}
	tr := &http.Transport{DialContext: d.DialContext, ForceAttemptHTTP2: true, MaxIdleConns: 256, MaxIdleConnsPerHost: 64,
		IdleConnTimeout: 90 * time.Second, TLSHandshakeTimeout: 5 * time.Second, ResponseHeaderTimeout: 30 * time.Second}
	return &Sender{client: &http.Client{Transport: tr, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// Send implements sales.WebhookSender. The answer's body is read (at most 64 KiB) and dropped.
func (s *Sender) Send(ctx context.Context, target string, headers map[string]string, body []byte) (int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, target, bytes.NewReader(body))
	if err != nil {
		return 0, graph.Invalid("webhook URL: %v", err)
	}
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	req.Header.Set("User-Agent", "Halo-Webhooks/1")
	resp, err := s.client.Do(req)
	if err != nil {
		if errors.Is(err, context.DeadlineExceeded) || errors.Is(ctx.Err(), context.DeadlineExceeded) {
			return 0, errors.New("the vendor did not answer in time")
		}
		return 0, errors.New(cleanErr(err))
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	return resp.StatusCode, nil
}

// cleanErr keeps what an operator needs from a transport error (no URL with its query).
func cleanErr(err error) string {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	return "could not reach the vendor: " + err.Error()
}
