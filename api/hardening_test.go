package api_test

import (
	"fmt"
	"sync"
	"testing"
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
