// Command halobench drives a running halod over HTTP, as an outside tool would, and reports
// latencies. It is the load generator behind the README's performance numbers.
//
//	halobench gen-import -consultants 600000 -customers 400000 -chain 100000 -o net.ndjson
//	halobench import -f net.ndjson
//	halobench register -n 2000 -c 4 -strategy explicit|extreme_left
//	halobench queries -n 5000 -c 4
//	halobench field -n 2000 -c 8 -capacity 500
//	halobench referrals -n 10000 -c 8 (halod with HALO_WEBHOOK_ALLOW=127.0.0.1)
//	halobench payouts -n 100000 -c 16 (W-9, bank, KYC, a withdrawal each; one batch; 1099 and disclosure)
//	halobench cpu -d 30s -p halod=PID,neo4j=PID (each process's threads' CPU run and wait, every 50 ms)
//
// Every command takes -url (default http://127.0.0.1:8080), -email and -password (the admin).
package main

import (
	"bufio"
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/halo-oss/halo/engine"
	"github.com/halo-oss/halo/engine/gen"
)

type client struct {
	url   string
	token string
	http  *http.Client
}

func (c *client) do(method, path, ctype string, body io.Reader) (int, []byte, error) {
	req, err := http.NewRequest(method, c.url+path, body)
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Content-Type", ctype)
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, b, err
}

func (c *client) json(method, path string, in any, out any) (int, error) {
	var rd io.Reader
	if in != nil {
		b, _ := json.Marshal(in)
		rd = bytes.NewReader(b)
	}
	code, b, err := c.do(method, path, "application/json", rd)
	if err != nil {
		return 0, err
	}
	if out != nil {
		_ = json.Unmarshal(b, out)
	}
	if code >= 300 {
		return code, fmt.Errorf("%s %s: %d %s", method, path, code, strings.TrimSpace(string(b)))
	}
	return code, nil
}

func login(url, email, pw string) *client {
	c := &client{url: url, http: &http.Client{Timeout: 10 * time.Minute, Transport: &http.Transport{MaxIdleConnsPerHost: 64}}}
	var out struct{ Token string }
	if _, err := c.json("POST", "/api/v1/auth/login", map[string]string{"email": email, "password": pw}, &out); err != nil {
		fatal(err)
	}
	c.token = out.Token
	return c
}

func fatal(err error) {
	fmt.Fprintln(os.Stderr, "halobench:", err)
	os.Exit(1)
}

func main() {
	if len(os.Args) < 2 {
		fatal(fmt.Errorf("usage: halobench gen-import|import|register|ingest|cpu|rate|queries|field|referrals|payouts|payout-run|freshness [flags]"))
	}
	cmd := os.Args[1]
	fs := flag.NewFlagSet(cmd, flag.ExitOnError)
	url := fs.String("url", "http://127.0.0.1:8080", "halod base URL")
	email := fs.String("email", "admin@halo.local", "admin email")
	pw := fs.String("password", "admin-demo-password", "admin password")
	switch cmd {
	case "gen-import":
		cons := fs.Int("consultants", 600000, "consultants (including the root)")
		cust := fs.Int("customers", 400000, "customers")
		chain := fs.Int("chain", 100000, "extreme-left chain depth under the root")
		out := fs.String("o", "network.ndjson", "output file")
		_ = fs.Parse(os.Args[2:])
		genImport(*cons, *cust, *chain, *out)
	case "import":
		file := fs.String("f", "network.ndjson", "NDJSON file")
		_ = fs.Parse(os.Args[2:])
		runImport(login(*url, *email, *pw), *file)
	case "register":
		n := fs.Int("n", 1000, "registrations")
		conc := fs.Int("c", 4, "concurrent clients")
		strat := fs.String("strategy", "explicit", "explicit or a strategy name")
		sponsor := fs.String("sponsor", "root", "sponsor for strategy registrations")
		_ = fs.Parse(os.Args[2:])
		register(login(*url, *email, *pw), *n, *conc, *strat, *sponsor)
	case "ingest":
		dur := fs.Duration("d", 60*time.Second, "how long to send")
		conc := fs.Int("c", 4, "concurrent senders")
		batch := fs.Int("batch", 500, "events per batch")
		vendors := fs.Int("vendors", 4, "vendors sending (each batch is serialized per vendor)")
		maxC := fs.Int("max", 600000, "consultants m00000001..max exist")
		maxU := fs.Int("customers", 400000, "customers c00000000..customers-1 exist")
		fs.Int("chain", 0, "ignored (the customers' sponsors are now read from halod)")
		linked := fs.Int("linked", 20000, "customers c00000000..linked-1 each vendor signs up first (vendors serve only their own customers)")
		every := fs.Duration("every", 0, "each sender starts a batch at most this often (0: as fast as halod answers); -c 1 -batch 20 -every 100ms is 200 events/s")
		_ = fs.Parse(os.Args[2:])
		ingest(login(*url, *email, *pw), *dur, *conc, *batch, *vendors, *maxC, *maxU, *linked, *every)
	case "cpu":
		tick := fs.Duration("tick", 50*time.Millisecond, "how often to sample")
		dur := fs.Duration("d", 30*time.Second, "how long")
		procs := fs.String("p", "", "name=pid pairs, comma-separated, e.g. halod=123,neo4j=456 (Linux)")
		_ = fs.Parse(os.Args[2:])
		cpuWatch(strings.Split(*procs, ","), *tick, *dur)
	case "rate":
		rps := fs.Int("rps", 200, "requests per second (open loop: sent on a schedule)")
		dur := fs.Duration("d", 30*time.Second, "how long")
		path := fs.String("path", "/api/v1/members/{id}/dashboard", "path; {id} becomes a random consultant")
		maxID := fs.Int("max", 1000000, "consultant ids m00000001..max exist")
		_ = fs.Parse(os.Args[2:])
		rate(login(*url, *email, *pw), *rps, *dur, *path, *maxID)
	case "queries":
		n := fs.Int("n", 2000, "requests per query kind")
		conc := fs.Int("c", 4, "concurrent clients")
		maxID := fs.Int("max", 600000, "consultant ids m00000001..max exist")
		_ = fs.Parse(os.Args[2:])
		queries(login(*url, *email, *pw), *n, *conc, *maxID)
	case "field":
		n := fs.Int("n", 2000, "registrations in the burst")
		conc := fs.Int("c", 8, "concurrent clients")
		capacity := fs.Int("capacity", 500, "the event's seats")
		attend := fs.Int("attend", 10000, "attendees in the imported CSV")
		leaders := fs.Int("leaders", 500, "onboarding summaries of random consultants")
		maxID := fs.Int("max", 1000000, "consultant ids m00000001..max exist")
		_ = fs.Parse(os.Args[2:])
		field(login(*url, *email, *pw), *n, *conc, *capacity, *attend, *leaders, *maxID)
	case "referrals":
		n := fs.Int("n", 10000, "referrals")
		conc := fs.Int("c", 8, "concurrent submitters")
		member := fs.String("member", "root", "the consultant they are submitted for")
		backlog := fs.Bool("backlog", false, "pause deliveries while submitting, then time the outbox draining the backlog")
		_ = fs.Parse(os.Args[2:])
		referrals(login(*url, *email, *pw), *n, *conc, *member, *backlog)
	case "payouts":
		n := fs.Int("n", 100000, "consultants made payable (m00000002…)")
		conc := fs.Int("c", 16, "concurrent clients")
		year := fs.Int("year", time.Now().UTC().Year(), "tax year of the reports")
		skip := fs.Bool("skip-seed", false, "only batch and report (the consultants are payable already)")
		from := fs.Int("from", 2, "the first consultant made payable: m<from>")
		_ = fs.Parse(os.Args[2:])
		payouts(login(*url, *email, *pw), *n, *from, *conc, *year, *skip)
	case "payout-run":
		end := fs.String("end", "", "period_end of the run (RFC 3339); required")
		commit := fs.Bool("commit", true, "commit the draft")
		pid := fs.Int("pid", 0, "halod's process id: sample its resident memory each second (Linux)")
		_ = fs.Parse(os.Args[2:])
		if *end == "" {
			fatal(fmt.Errorf("payout-run: -end is required"))
		}
		payoutRun(login(*url, *email, *pw), *end, *commit, *pid)
	case "freshness":
		member := fs.String("member", "m00000002", "the consultant whose customer buys")
		rounds := fs.Int("n", 5, "sales, one at a time")
		gap := fs.Duration("gap", 2*time.Second, "pause between rounds")
		_ = fs.Parse(os.Args[2:])
		freshness(login(*url, *email, *pw), *member, *rounds, *gap)
	default:
		fatal(fmt.Errorf("unknown command %q", cmd))
	}
}

// genImport writes a generated network as import NDJSON, sponsors and parents first. The root
// line is left out: the network hangs from halod's own root.
func genImport(cons, cust, chain int, path string) {
	nw := gen.Build(gen.Spec{Seed: 7, Consultants: cons, Customers: cust, Sales: 0, ChainDepth: chain,
		End: time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC)})
	f, err := os.Create(path)
	if err != nil {
		fatal(err)
	}
	w := bufio.NewWriterSize(f, 1<<20)
	var cs, us []engine.Member
	for _, m := range nw.Input.Members {
		switch {
		case m.ID == "root":
		case m.Plan == engine.PlanCustomer:
			us = append(us, m)
		default:
			cs = append(cs, m)
		}
	}
	// Consultant ids grow with registration order, so sorted ids put sponsors and parents first.
	enc := json.NewEncoder(w)
	for _, ms := range [][]engine.Member{cs, us} {
		for _, m := range ms {
			line := map[string]any{"id": m.ID, "name": "Bench " + m.ID, "email": m.ID + "@bench.example", "plan": m.Plan.String(),
				"sponsor_id": m.Sponsor, "registered_at": m.RegisteredAt.Format(time.RFC3339)}
			if m.Parent != "" {
				line["placement"] = map[string]string{"parent_id": m.Parent, "leg": m.Leg.String()}
			}
			if err := enc.Encode(line); err != nil {
				fatal(err)
			}
		}
	}
	if err := w.Flush(); err != nil {
		fatal(err)
	}
	f.Close()
	st, _ := os.Stat(path)
	fmt.Printf("wrote %s: %d consultants, %d customers, %.1f MiB\n", path, len(cs), len(us), float64(st.Size())/(1<<20))
}

func runImport(c *client, path string) {
	f, err := os.Open(path)
	if err != nil {
		fatal(err)
	}
	defer f.Close()
	start := time.Now()
	code, b, err := c.do("POST", "/api/v1/members/import?cutover=2026-01-05T00:00:00Z", "application/x-ndjson", f)
	if err != nil || code != 202 {
		fatal(fmt.Errorf("import: %d %v %s", code, err, b))
	}
	validated := time.Since(start)
	var job struct {
		ID, Status, Error        string
		LinesTotal, LinesWritten int64 `json:"-"`
	}
	_ = json.Unmarshal(b, &job)
	fmt.Printf("validated and accepted in %s (job %s)\n", validated.Round(time.Millisecond), job.ID)
	for {
		time.Sleep(2 * time.Second)
		var p map[string]any
		if _, err := c.json("GET", "/api/v1/imports/"+job.ID, nil, &p); err != nil {
			fatal(err)
		}
		fmt.Printf("  %6.1fs  %v / %v  %v\n", time.Since(start).Seconds(), p["lines_written"], p["lines_total"], p["status"])
		if p["status"] != "running" {
			fmt.Printf("import %v in %s end to end\n", p["status"], time.Since(start).Round(time.Millisecond))
			if p["status"] != "done" {
				os.Exit(1)
			}
			return
		}
	}
}

type latencies struct {
	mu sync.Mutex
	d  []time.Duration
}

func (l *latencies) add(d time.Duration) { l.mu.Lock(); l.d = append(l.d, d); l.mu.Unlock() }

func (l *latencies) report(name string, wall time.Duration) {
	slices.Sort(l.d)
	q := func(p float64) time.Duration { return l.d[min(len(l.d)-1, int(p*float64(len(l.d))))] }
	fmt.Printf("%-28s n=%d  p50=%s  p90=%s  p99=%s  max=%s  %.0f req/s\n", name, len(l.d), q(0.5).Round(10*time.Microsecond),
		q(0.9).Round(10*time.Microsecond), q(0.99).Round(10*time.Microsecond), l.d[len(l.d)-1].Round(10*time.Microsecond), float64(len(l.d))/wall.Seconds())
}

func parallel(n, conc int, f func(i int) error) time.Duration {
	var next atomic.Int64
	var wg sync.WaitGroup
	start := time.Now()
	for w := 0; w < conc; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= n {
					return
				}
				if err := f(i); err != nil {
					fatal(err)
				}
			}
		}()
	}
	wg.Wait()
	return time.Since(start)
}

// register times registrations. explicit: each new consultant goes under its own sponsor, a
// bench consultant registered earlier (or the given sponsor), in a free slot it knows of.
func register(c *client, n, conc int, strategy, sponsor string) {
	run := time.Now().UnixNano() % 1_000_000
	var lat latencies
	var mu sync.Mutex
	var free []string
	if strategy == "explicit" {
		// A fresh consultant at the bottom of the sponsor's right spine roots the explicit tree.
		seed := fmt.Sprintf("r%d-seed", run)
		if _, err := c.json("POST", "/api/v1/members", map[string]any{"id": seed, "name": "Seed", "email": seed + "@bench.example",
			"plan": "consultant", "sponsor_id": sponsor, "placement": map[string]string{"strategy": "extreme_right"}}, nil); err != nil {
			fatal(err)
		}
		free = []string{seed + "/left", seed + "/right"}
	}
	wall := parallel(n, conc, func(i int) error {
		id := fmt.Sprintf("r%d-%d", run, i)
		req := map[string]any{"id": id, "name": "Reg " + id, "email": id + "@bench.example", "plan": "consultant"}
		sp := sponsor
		if strategy == "explicit" {
			mu.Lock()
			for len(free) == 0 { // every known slot is being filled by another client
				mu.Unlock()
				time.Sleep(time.Millisecond)
				mu.Lock()
			}
			k := rand.IntN(len(free))
			slot := free[k]
			free[k] = free[len(free)-1]
			free = free[:len(free)-1]
			mu.Unlock()
			parent, leg, _ := strings.Cut(slot, "/")
			sp = parent
			req["placement"] = map[string]string{"parent_id": parent, "leg": leg}
		} else {
			req["placement"] = map[string]string{"strategy": strategy}
		}
		req["sponsor_id"] = sp
		t0 := time.Now()
		if _, err := c.json("POST", "/api/v1/members", req, nil); err != nil {
			return err
		}
		lat.add(time.Since(t0))
		if strategy == "explicit" {
			mu.Lock()
			free = append(free, id+"/left", id+"/right")
			mu.Unlock()
		}
		return nil
	})
	lat.report("register "+strategy, wall)
}

func queries(c *client, n, conc, maxID int) {
	random := func(int) string { return gen.ID(1 + rand.IntN(maxID-1)) }
	timeGets(c, n, conc, "upline 8 generations", func(i int) string { return "/api/v1/members/" + random(i) + "/upline?levels=8" })
	timeGets(c, n, conc, "binary subtree depth 4", func(i int) string { return "/api/v1/members/" + random(i) + "/binary-tree?depth=4" })
	// Leg counts (issue #19: maintained, so the root's, over the whole network, costs what a
	// leaf's does): every tenth request asks for the root's.
	timeGets(c, n, conc, "leg counts (a tenth of them the root's)", func(i int) string {
		if i%10 == 0 {
			return "/api/v1/members/root/legs"
		}
		return "/api/v1/members/" + random(i) + "/legs"
	})
}

// timeGets sends n GETs from conc clients and reports their latencies.
func timeGets(c *client, n, conc int, label string, path func(i int) string) {
	var lat latencies
	wall := parallel(n, conc, func(i int) error {
		p := path(i)
		t0 := time.Now()
		if _, err := c.json("GET", p, nil, nil); err != nil {
			return err
		}
		lat.add(time.Since(t0))
		return nil
	})
	lat.report(label, wall)
}

// postSigned posts one batch body signed as the vendor, with the current timestamp.
func postSigned(c *client, vendor, secret string, body []byte) (*http.Response, error) {
	ts := strconv.FormatInt(time.Now().Unix(), 10)
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(ts + "." + string(body)))
	req, _ := http.NewRequest("POST", c.url+"/api/v1/ingest/events", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Vendor-Id", vendor)
	req.Header.Set("X-Timestamp", ts)
	req.Header.Set("X-Signature", "sha256="+hex.EncodeToString(m.Sum(nil)))
	return c.http.Do(req)
}

// sendSigned posts one signed batch and stops the benchmark on anything but a 200.
func sendSigned(c *client, vendor, secret string, evs []map[string]any) {
	body, _ := json.Marshal(map[string]any{"events": evs})
	res, err := postSigned(c, vendor, secret, body)
	if err != nil {
		fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != 200 {
		b, _ := io.ReadAll(res.Body)
		fatal(fmt.Errorf("signed batch for %s: %d %s", vendor, res.StatusCode, b))
	}
}

// ingest sends signed batches of activations (and a few cancellations) for dur and reports
// throughput and batch latency. It creates its vendors and their products first.
func ingest(c *client, dur time.Duration, conc, batch, nv, maxC, maxU, linked int, every time.Duration) {
	run := time.Now().UnixNano() % 1_000_000
	type vendor struct{ id, secret string }
	var vs []vendor
	for i := 0; i < nv; i++ {
		id := fmt.Sprintf("bench-%d-%d", run, i)
		var out struct {
			SigningSecret string `json:"signing_secret"`
		}
		if _, err := c.json("POST", "/api/v1/vendors", map[string]string{"id": id, "name": id}, &out); err != nil {
			fatal(err)
		}
		for _, p := range gen.Catalogue {
			if _, err := c.json("PUT", "/api/v1/vendors/"+id+"/products/"+p.SKU, map[string]any{"name": p.SKU, "bv": p.BV.Decimal().String(),
				"cv": p.CV.String(), "retail_commission": p.Retail.String(), "effective_from": "2020-01-01T00:00:00Z"}, nil); err != nil {
				fatal(err)
			}
		}
		vs = append(vs, vendor{id, out.SigningSecret})
	}
	// A vendor serves the customers who signed up with it: each vendor signs up the first linked
	// customers before the run, naming the sponsor each one has in the graph (asked of halod, so
	// the run fits whichever network was imported).
	linked = min(linked, maxU)
	sponsor := make([]string, linked)
	t0 := time.Now()
	parallel(linked, 8, func(k int) error {
		var m struct {
			SponsorID string `json:"sponsor_id"`
		}
		if _, err := c.json("GET", fmt.Sprintf("/api/v1/members/c%08d", k), nil, &m); err != nil {
			return err
		}
		sponsor[k] = m.SponsorID
		return nil
	})
	fmt.Printf("read the sponsors of %d customers in %s\n", linked, time.Since(t0).Round(time.Millisecond))
	t0 = time.Now()
	for _, v := range vs {
		for lo := 0; lo < linked; lo += 1000 {
			var evs []map[string]any
			for k := lo; k < min(lo+1000, linked); k++ {
				cust := fmt.Sprintf("c%08d", k)
				evs = append(evs, map[string]any{"id": "link-" + cust, "type": "customer.signup", "occurred_at": "2026-01-05T00:00:00Z",
					"data": map[string]any{"customer_id": cust, "name": "Bench " + cust, "email": cust + "@bench.example", "sponsor_id": sponsor[k]}})
			}
			sendSigned(c, v.id, v.secret, evs)
		}
	}
	fmt.Printf("linked %d customers to %d vendors in %s\n", linked, len(vs), time.Since(t0).Round(time.Millisecond))
	maxU = max(linked, 1)
	var lat latencies
	var sent, accepted, retried atomic.Int64
	var seq atomic.Int64
	deadline := time.Now().Add(dur)
	start := time.Now()
	var wg sync.WaitGroup
	for w := 0; w < conc; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(w), uint64(run)))
			var mine []string
			next := time.Now()
			for time.Now().Before(deadline) {
				if every > 0 {
					time.Sleep(time.Until(next))
					next = next.Add(every)
				}
				v := vs[(w+int(seq.Load()))%len(vs)]
				evs := make([]map[string]any, 0, batch)
				for i := 0; i < batch; i++ {
					k := seq.Add(1)
					at := time.Now().Add(-time.Hour).UTC().Format(time.RFC3339)
					if len(mine) > 10 && rng.IntN(20) == 0 {
						a := mine[0]
						mine = mine[1:]
						evs = append(evs, map[string]any{"id": fmt.Sprintf("x%d", k), "type": "service.cancelled", "occurred_at": at,
							"data": map[string]any{"activation_id": a}})
						continue
					}
					member := fmt.Sprintf("c%08d", rng.IntN(maxU))
					if rng.IntN(4) == 0 {
						member = gen.ID(1 + rng.IntN(maxC-1))
					}
					act := fmt.Sprintf("a%d", k)
					if v.id == vs[0].id {
						mine = append(mine, act)
					}
					evs = append(evs, map[string]any{"id": fmt.Sprintf("e%d", k), "type": "service.activated", "occurred_at": at,
						"data": map[string]any{"activation_id": act, "member_id": member, "sku": gen.Catalogue[rng.IntN(len(gen.Catalogue))].SKU}})
				}
				if v.id != vs[0].id {
					mine = mine[:0]
				}
				body, _ := json.Marshal(map[string]any{"events": evs})
				var out struct {
					Results []struct{ Status string }
				}
				for attempt := 1; ; attempt++ {
					t0 := time.Now()
					resp, err := postSigned(c, v.id, v.secret, body)
					if err != nil {
						fatal(err)
					}
					_ = json.NewDecoder(resp.Body).Decode(&out)
					resp.Body.Close()
					if resp.StatusCode == http.StatusServiceUnavailable && attempt < 5 {
						// As a vendor does: a 503 is retried, the same batch (its events are
						// accepted once however often they come).
						retried.Add(1)
						time.Sleep(time.Duration(attempt) * 200 * time.Millisecond)
						continue
					}
					if resp.StatusCode != 200 {
						fatal(fmt.Errorf("ingest: %d", resp.StatusCode))
					}
					lat.add(time.Since(t0))
					break
				}
				sent.Add(int64(len(evs)))
				for _, r := range out.Results {
					if r.Status == "accepted" {
						accepted.Add(1)
					}
				}
			}
		}(w)
	}
	wg.Wait()
	wall := time.Since(start)
	lat.report(fmt.Sprintf("ingest batches of %d", batch), wall)
	if n := retried.Load(); n > 0 {
		fmt.Printf("batches sent again after a 503: %d\n", n)
	}
	fmt.Printf("events sent %d, accepted %d, %.0f events/s over %s (%d senders, %d vendors)\n", sent.Load(), accepted.Load(),
		float64(sent.Load())/wall.Seconds(), wall.Round(time.Millisecond), conc, nv)
}

// rate sends requests on a fixed schedule (open loop) and reports latency percentiles; a
// server that falls behind shows it as growing latency, not as a lower request rate.
func rate(c *client, rps int, dur time.Duration, path string, maxID int) {
	var lat latencies
	var errs atomic.Int64
	var wg sync.WaitGroup
	interval := time.Second / time.Duration(rps)
	start := time.Now()
	n := int(dur / interval)
	for i := 0; i < n; i++ {
		due := start.Add(time.Duration(i) * interval)
		time.Sleep(time.Until(due))
		id := gen.ID(1 + rand.IntN(maxID-1))
		wg.Add(1)
		go func() {
			defer wg.Done()
			t0 := time.Now()
			code, _, err := c.do("GET", strings.ReplaceAll(path, "{id}", id), "application/json", nil)
			if err != nil || code != 200 {
				errs.Add(1)
				return
			}
			lat.add(time.Since(t0))
		}()
	}
	wg.Wait()
	lat.report(fmt.Sprintf("%s @ %d/s", path, rps), time.Since(start))
	fmt.Printf("errors: %d\n", errs.Load())
}

// field times the field-enablement paths: a burst of registrations for one event (seats, then
// the waitlist), cancellations that promote, an attendance import, and leaders' onboarding
// summaries.
func field(c *client, n, conc, capacity, attend, leaders, maxID int) {
	if _, err := c.json("PUT", "/api/v1/onboarding/track", map[string]any{"steps": []map[string]string{
		{"key": "orientation", "title": "New consultant orientation"}, {"key": "compliance", "title": "Compliance and claims"}}}, nil); err != nil {
		fatal(err)
	}
	var ev struct{ ID string }
	if _, err := c.json("POST", "/api/v1/events", map[string]any{"title": "Bench summit", "format": "in_person", "location": "Bench hall",
		"starts_at": time.Now().Add(7 * 24 * time.Hour).UTC().Format(time.RFC3339), "duration_minutes": 480, "capacity": capacity,
		"status": "published", "onboarding_step": "compliance"}, &ev); err != nil {
		fatal(err)
	}
	perm := rand.Perm(maxID - 1)
	member := func(i int) string { return gen.ID(1 + perm[i]) }
	var rsvp latencies
	seated := make([]string, 0, capacity)
	var mu sync.Mutex
	wall := parallel(n, conc, func(i int) error {
		var out struct{ Status string }
		t0 := time.Now()
		if _, err := c.json("POST", "/api/v1/events/"+ev.ID+"/registrations", map[string]string{"member_id": member(i)}, &out); err != nil {
			return err
		}
		rsvp.add(time.Since(t0))
		if out.Status == "confirmed" {
			mu.Lock()
			seated = append(seated, member(i))
			mu.Unlock()
		}
		return nil
	})
	rsvp.report("register (one event)", wall)
	var cancel latencies
	k := min(len(seated), 200)
	wall = parallel(k, conc, func(i int) error {
		t0 := time.Now()
		if _, err := c.json("DELETE", "/api/v1/events/"+ev.ID+"/registrations/"+seated[i], nil, nil); err != nil {
			return err
		}
		cancel.add(time.Since(t0))
		return nil
	})
	if k > 0 {
		cancel.report("cancel + promote", wall)
	}
	var g struct{ Confirmed, Waitlisted int }
	if _, err := c.json("GET", "/api/v1/events/"+ev.ID, nil, &g); err != nil {
		fatal(err)
	}
	wantC := min(capacity, n)
	fmt.Printf("event %s: confirmed %d (want %d), waitlisted %d (want %d)\n", ev.ID, g.Confirmed, wantC, g.Waitlisted, max(n-capacity-k, 0))
	if g.Confirmed != wantC || g.Waitlisted != max(n-capacity-k, 0) {
		fatal(fmt.Errorf("seat counts do not add up"))
	}

	var web struct{ ID string }
	if _, err := c.json("POST", "/api/v1/webinars", map[string]any{"title": "Bench orientation", "duration_minutes": 60,
		"starts_at": time.Now().Add(-30 * time.Minute).UTC().Format(time.RFC3339), "status": "published", "onboarding_step": "orientation"}, &web); err != nil {
		fatal(err)
	}
	var csv bytes.Buffer
	csv.WriteString("member_id,joined\n")
	for i := 0; i < attend; i++ {
		fmt.Fprintf(&csv, "%s,2026-11-25 10:00\n", gen.ID(1+rand.IntN(maxID-1)))
	}
	t0 := time.Now()
	code, body, err := c.do("POST", "/api/v1/webinars/"+web.ID+"/attendance", "text/csv", &csv)
	if err != nil || code != 200 {
		fatal(fmt.Errorf("attendance import: %d %s %v", code, body, err))
	}
	fmt.Printf("attendance import of %d rows: %s  %s\n", attend, time.Since(t0).Round(time.Millisecond), strings.TrimSpace(string(body[:min(len(body), 80)])))

	var lead latencies
	wall = parallel(leaders, conc, func(i int) error {
		t0 := time.Now()
		if _, err := c.json("GET", "/api/v1/members/"+gen.ID(1+rand.IntN(maxID-1))+"/onboarding", nil, nil); err != nil {
			return err
		}
		lead.add(time.Since(t0))
		return nil
	})
	lead.report("onboarding per generation", wall)
	for _, id := range []string{"root", gen.ID(1), gen.ID(2)} {
		t0 := time.Now()
		var o struct {
			Generations []struct{ Members int }
		}
		if _, err := c.json("GET", "/api/v1/members/"+id+"/onboarding", nil, &o); err != nil {
			fatal(err)
		}
		total := 0
		for _, g := range o.Generations {
			total += g.Members
		}
		fmt.Printf("onboarding of %s (%d consultants in 8 generations): %s\n", id, total, time.Since(t0).Round(time.Millisecond))
	}
}
