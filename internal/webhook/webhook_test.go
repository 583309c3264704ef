package webhook

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"
)

func TestPublicAddresses(t *testing.T) {
	for addr, want := range map[string]bool{
		"8.8.8.8": true, "93.184.216.34": true, "2606:4700::1111": true,
		"127.0.0.1": false, "10.0.0.1": false, "172.16.5.4": false, "192.168.1.1": false, "169.254.169.254": false, "100.64.0.1": false,
		"0.0.0.0": false, "::1": false, "fe80::1": false, "fc00::1": false, "::ffff:127.0.0.1": false, "::ffff:10.0.0.1": false,
		"224.0.0.1": false, "255.255.255.255": false, "198.18.0.1": false,
	} {
		if got := Public(netip.MustParseAddr(addr)); got != want {
			t.Errorf("%s: public %v, want %v", addr, got, want)
		}
	}
}

func TestGuardCheck(t *testing.T) {
	g, err := ParseAllow("127.0.0.1, 10.9.0.0/16, vendor.internal")
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for u, ok := range map[string]bool{
		"https://8.8.8.8/hook":                 true,
		"http://8.8.8.8/hook":                  false, // plain http only for allowlisted hosts
		"https://8.8.8.8:8443/hook":            false, // non-standard port only for allowlisted hosts
		"http://127.0.0.1:9000/hook":           true,  // allowlisted address
		"https://10.9.1.1/hook":                true,  // allowlisted network
		"https://10.8.1.1/hook":                false,
		"https://169.254.169.254/latest":       false,
		"https://[::1]/x":                      false,
		"https://localhost/x":                  true, // resolves to 127.0.0.1, allowlisted here
		"https://no-such-host.invalid/x":       false,
		"ftp://8.8.8.8/x":                      false,
		"https://127.0.0.1.nip.invalid/hook":   false,
		"https://[::ffff:169.254.169.254]/x":   false,
		"https://[::ffff:8.8.8.8]/hook":        true,
		"https://0x7f000001/hook":              false,
		"https://2130706433/hook":              false,
		"https://vendor.internal.invalid/hook": false,
	} {
		err := g.Check(ctx, u)
		if (err == nil) != ok {
			t.Errorf("%s: %v, want allowed=%v", u, err, ok)
		}
	}
	if err := (&Guard{}).Check(ctx, "https://localhost/x"); err == nil || !strings.Contains(err.Error(), "loopback") {
		t.Errorf("localhost without an allowlist: %v", err)
	}
	if _, err := ParseAllow("10.0.0.0/99"); err == nil {
		t.Error("a bad CIDR is accepted")
	}
}

// The guard also runs at dial time: a URL that passed (or a name that now resolves elsewhere)
// still cannot reach a loopback address that is not allowlisted.
func TestSenderRefusesPrivateDial(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(204) }))
	defer srv.Close()
	_, err := NewSender(&Guard{}).Send(context.Background(), srv.URL, nil, []byte("{}"))
	if err == nil || !strings.Contains(err.Error(), "refusing to dial") {
		t.Errorf("dialled loopback without the allowlist: %v", err)
	}
	g, _ := ParseAllow("127.0.0.1")
	code, err := NewSender(g).Send(context.Background(), srv.URL, map[string]string{"X-Test": "1"}, []byte("{}"))
	if err != nil || code != 204 {
		t.Errorf("allowlisted: %d %v", code, err)
	}
	// Redirects are not followed (a 3xx is the vendor's answer, and a failure).
	red := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "http://169.254.169.254/", 302) }))
	defer red.Close()
	if code, err := NewSender(g).Send(context.Background(), red.URL, nil, nil); err != nil || code != 302 {
		t.Errorf("redirect: %d %v", code, err)
	}
}
