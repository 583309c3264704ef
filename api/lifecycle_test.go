package api_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
)

// PLAN.md §10 through the API: the rules a status change must respect, each a clear 4xx, and
// the audit trail with the reason.
func TestMemberStatusRules(t *testing.T) {
	hs := newHarness(t)
	hs.register("A", "consultant", "root", at("root", "left"))
	hs.register("cu", "customer", "A", nil)
	post := func(id string, body map[string]any) (int, map[string]any) {
		return hs.call("POST", "/api/v1/members/"+id+"/status", body)
	}
	cases := []struct {
		id   string
		body map[string]any
		want int
		code string
	}{
		{"A", map[string]any{"status": "retired"}, 422, "invalid"},
		{"A", map[string]any{"status": "suspended", "at": "2025-12-01T00:00:00Z"}, 422, "invalid"}, // before A registered
		{"root", map[string]any{"status": "suspended"}, 409, "conflict"},
		{"cu", map[string]any{"status": "terminated"}, 409, "conflict"},
		{"nobody", map[string]any{"status": "suspended"}, 404, "not_found"},
	}
	for _, c := range cases {
		code, body := post(c.id, c.body)
		if got, _, _ := errOf(body); code != c.want || got != c.code {
			t.Errorf("%s %v: %d %v, want %d %s", c.id, c.body, code, body, c.want, c.code)
		}
	}
	code, body := post("A", map[string]any{"status": "suspended", "at": "2026-01-10T00:00:00Z", "reason": "compliance review"})
	if code != 200 || body["status"] == nil || body["id"] != "A" || len(body["history"].([]any)) != 1 {
		t.Fatalf("suspend: %d %v", code, body)
	}
	if _, dash := hs.call("GET", "/api/v1/members/A/dashboard", nil); dash["status"] != "suspended" || len(dash["status_history"].([]any)) != 1 {
		t.Errorf("the consultant's dashboard shows the suspension: %v %v", dash["status"], dash["status_history"])
	}
	if code, body = post("A", map[string]any{"status": "terminated", "at": "2026-01-20T00:00:00Z", "reason": "left the company"}); code != 200 || body["status"] != "terminated" {
		t.Fatalf("terminate: %d %v", code, body)
	}
	for _, st := range []string{"active", "suspended", "terminated"} {
		if code, body := post("A", map[string]any{"status": st, "at": "2026-01-05T00:00:00Z"}); code != 409 || !strings.Contains(fmt.Sprint(body), "final") {
			t.Errorf("%s after termination: %d %v", st, code, body)
		}
	}
	_, audit := hs.call("GET", "/api/v1/audit?action=member.status", nil)
	if s := fmt.Sprint(audit); !strings.Contains(s, "left the company") || !strings.Contains(s, "compliance review") {
		t.Errorf("audit keeps the reasons: %v", audit)
	}
}

// N parallel conflicting status changes of one consultant: each is decided on the history it
// read, so exactly one termination is recorded and nothing is recorded after it.
func TestMemberStatusRace(t *testing.T) {
	hs := newHarness(t)
	hs.register("A", "consultant", "root", at("root", "left"))
	codes := parallelCodes(12, func(i int) int {
		st := "terminated"
		if i%2 == 1 {
			st = "suspended"
		}
		code, _ := hs.call("POST", "/api/v1/members/A/status", map[string]any{"status": st, "at": "2026-01-10T00:00:00Z"})
		return code
	})
	ok := 0
	for _, c := range codes {
		switch c {
		case 200:
			ok++
		case 409:
		default:
			t.Fatalf("codes %v", codes)
		}
	}
	_, last := hs.call("GET", "/api/v1/members/A/status", nil)
	h, _ := last["history"].([]any)
	terms := 0
	for i, x := range h {
		if x.(map[string]any)["status"] == "terminated" {
			terms++
			if i != len(h)-1 {
				t.Errorf("a change recorded after the termination: %v", h)
			}
		}
	}
	if ok == 0 || ok != len(h) || terms > 1 {
		t.Errorf("%d accepted, history %v (terms %d); the last call got %v", ok, h, terms, last)
	}
}

// §10: nobody registers under a sponsor terminated at its registered_at (a member registered
// earlier and reported late is accepted), and no upgrade occurs at or after a termination.
func TestTerminationRefusesLaterJoinsAndUpgrades(t *testing.T) {
	hs := newHarness(t)
	hs.register("A", "consultant", "root", at("root", "left"))
	if code, body := hs.call("POST", "/api/v1/members/A/status", map[string]any{"status": "terminated", "at": "2026-01-10T00:00:00Z"}); code != 200 {
		t.Fatalf("terminate: %d %v", code, body)
	}
	join := func(id, when string) int {
		code, _ := hs.call("POST", "/api/v1/members", map[string]any{"id": id, "name": id, "email": id + "@example.com", "plan": "customer",
			"sponsor_id": "A", "registered_at": when})
		return code
	}
	if c := join("late", "2026-01-09T00:00:00Z"); c != 201 {
		t.Errorf("registered before the termination, reported late: %d", c)
	}
	if c := join("after", "2026-01-10T00:00:00Z"); c != 409 {
		t.Errorf("registered at the termination: %d", c)
	}
	if code, body := hs.call("POST", "/api/v1/members/A/upgrade", map[string]any{"plan": "consultant_plus", "occurred_at": "2026-01-11T00:00:00Z"}); code != 409 {
		t.Errorf("upgrade after the termination: %d %v", code, body)
	}
	if code, body := hs.call("POST", "/api/v1/members/A/upgrade", map[string]any{"plan": "consultant_plus", "occurred_at": "2026-01-09T00:00:00Z"}); code != 200 {
		t.Errorf("upgrade before the termination: %d %v", code, body)
	}
}

// PLAN.md §11 through the API: what can be refunded, in which order, and when; each refusal a
// clear 4xx; the plan falls back; the audit keeps the reason.
func TestRefundRules(t *testing.T) {
	hs := newHarness(t)
	hs.register("A", "consultant", "root", at("root", "left"))
	hs.register("F", "affiliate", "A", at("A", "left"))
	if code, b := hs.call("POST", "/api/v1/members/A/upgrade", map[string]any{"plan": "consultant_plus", "occurred_at": "2026-01-05T00:00:00Z", "id": "upg-A-1"}); code != 200 {
		t.Fatalf("upgrade: %d %v", code, b)
	}
	if code, _ := hs.call("POST", "/api/v1/members/F/upgrade", map[string]any{"plan": "consultant", "occurred_at": "2026-01-05T00:00:00Z", "id": "upg-A-1"}); code != 409 {
		t.Errorf("a used sale id: %d", code)
	}
	refund := func(member, sale, when string) (int, map[string]any) {
		return hs.call("POST", "/api/v1/members/"+member+"/refunds", map[string]any{"sale_id": sale, "occurred_at": when, "reason": "buy-back " + sale})
	}
	cases := []struct {
		member, sale, when string
		want               int
	}{
		{"A", "pack:A", "2026-01-06T00:00:00Z", 409}, // not the latest purchase
		{"root", "pack:root", "2026-01-06T00:00:00Z", 409},
		{"F", "pack:F", "2026-01-06T00:00:00Z", 409}, // an affiliate's registration is no priced purchase
		{"A", "upg-nope", "2026-01-06T00:00:00Z", 404},
		{"A", "upg-A-1", "2026-01-04T00:00:00Z", 422}, // before the upgrade
		{"A", "", "2026-01-06T00:00:00Z", 422},
	}
	for _, c := range cases {
		if code, b := refund(c.member, c.sale, c.when); code != c.want {
			t.Errorf("refund %s of %s at %s: %d %v, want %d", c.sale, c.member, c.when, code, b, c.want)
		}
	}
	code, b := refund("A", "upg-A-1", "2026-01-06T00:00:00Z")
	if code != 201 || b["plan_after"] != "consultant" || b["member_id"] != "A" || b["sale_id"] != "upg-A-1" || b["id"] == "" {
		t.Fatalf("refund: %d %v", code, b)
	}
	if code, _ := refund("A", "upg-A-1", "2026-01-07T00:00:00Z"); code != 409 {
		t.Errorf("twice: %d", code)
	}
	if _, m := hs.call("GET", "/api/v1/members/A", nil); m["plan"] != "consultant" {
		t.Errorf("plan after the refund: %v", m["plan"])
	}
	if code, _ := hs.call("POST", "/api/v1/members/A/upgrade", map[string]any{"plan": "consultant_plus", "occurred_at": "2026-01-05T12:00:00Z"}); code != 422 {
		t.Errorf("an upgrade dated before the refund: %d", code)
	}
	if code, b := hs.call("POST", "/api/v1/members/A/upgrade", map[string]any{"plan": "consultant_plus", "occurred_at": "2026-01-08T00:00:00Z"}); code != 200 {
		t.Errorf("upgrading again is a new sale: %d %v", code, b)
	}
	if code, b := refund("A", "pack:A", "2026-01-09T00:00:00Z"); code != 409 {
		t.Errorf("the pack while the new upgrade stands: %d %v", code, b)
	}
	_, audit := hs.call("GET", "/api/v1/audit?action=member.refund", nil)
	if !strings.Contains(fmt.Sprint(audit), "buy-back upg-A-1") {
		t.Errorf("audit keeps the reason: %v", audit)
	}
}

// N parallel refunds of one sale, racing an upgrade of the same member: exactly one refund is
// recorded, and the member's plan is the result of the calls that won, never a mix.
func TestRefundRace(t *testing.T) {
	hs := newHarness(t)
	hs.register("A", "consultant", "root", at("root", "left"))
	var up int
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		up, _ = hs.call("POST", "/api/v1/members/A/upgrade", map[string]any{"plan": "consultant_plus", "occurred_at": "2026-01-07T00:00:00Z"})
	}()
	codes := parallelCodes(12, func(int) int {
		code, _ := hs.call("POST", "/api/v1/members/A/refunds", map[string]any{"sale_id": "pack:A", "occurred_at": "2026-01-06T00:00:00Z"})
		return code
	})
	wg.Wait()
	created := 0
	for _, c := range codes {
		switch c {
		case 201:
			created++
		case 409, 422:
		default:
			t.Fatalf("refund codes %v", codes)
		}
	}
	_, m := hs.call("GET", "/api/v1/members/A", nil)
	switch {
	case created > 1:
		t.Fatalf("%d refunds of one sale recorded: %v", created, codes)
	case created == 1 && up == 200 && m["plan"] != "consultant_plus":
		t.Errorf("refund then upgrade, plan %v", m["plan"])
	case created == 1 && up != 200 && m["plan"] != "affiliate":
		t.Errorf("refund won alone, plan %v", m["plan"])
	case created == 0 && (up != 200 || m["plan"] != "consultant_plus"):
		t.Errorf("no refund (upgrade %d), plan %v, codes %v", up, m["plan"], codes)
	}
}

// The live counters follow a termination (PLAN.md §10 roll-up): the terminated consultant's
// customer's open sale counts at the next sponsor up, and a refunded unpaid pack leaves the open
// volume (§11).
func TestLiveCountersFollowTerminationAndRefund(t *testing.T) {
	hs := newHarness(t)
	ctx := context.Background()
	hs.register("P", "consultant", "root", at("root", "left"))
	hs.register("X", "consultant", "P", at("P", "left"))
	hs.register("cu", "customer", "X", nil)
	sun := hs.vendor("sun")
	hs.call("PUT", "/api/v1/vendors/sun/products/KIT", map[string]any{"bv": "100", "cv": "100.00", "retail_commission": "10.00", "effective_from": "2020-01-01T00:00:00Z"})
	link := signup("s0", "cu", "X")
	link["occurred_at"] = "2026-01-03T00:00:00Z"
	if code, b := hs.send("sun", sun, events(link, activated("e1", "a1", "cu", "KIT", "2026-01-04T00:00:00Z")), 0); code != 200 || strings.Contains(statuses(b), "rejected") {
		t.Fatalf("ingest: %d %v", code, b)
	}
	pv := func(id string) int64 {
		if err := hs.counters.Tick(ctx); err != nil {
			t.Fatal(err)
		}
		c, err := hs.counters.Read(ctx, []string{id})
		if err != nil {
			t.Fatal(err)
		}
		return c[id].PV
	}
	if x, p := pv("X"), pv("P"); x != 10000+5000 || p != 5000 {
		t.Fatalf("before: X %d P %d (X's pack and customer, P's pack)", x, p)
	}
	hs.app.Members.AfterChange = func(moves bool) {
		if moves {
			hs.counters.Invalidate()
		}
	}
	if code, b := hs.call("POST", "/api/v1/members/X/status", map[string]any{"status": "terminated", "at": "2026-01-05T00:00:00Z"}); code != 200 {
		t.Fatalf("terminate: %d %v", code, b)
	}
	if x, p := pv("X"), pv("P"); x != 5000 || p != 15000 {
		t.Errorf("after the termination: X %d (its own pack), P %d (its pack and the rolled-up customer's sale)", x, p)
	}
	if code, b := hs.call("POST", "/api/v1/members/P/refunds", map[string]any{"sale_id": "pack:P", "occurred_at": "2026-01-06T00:00:00Z"}); code != 201 {
		t.Fatalf("refund: %d %v", code, b)
	}
	if p := pv("P"); p != 10000 {
		t.Errorf("after P's unpaid pack is refunded: P %d", p)
	}
}

// §10 at ingest: a vendor cannot sign a customer up under a sponsor terminated at the sign-up's
// time; one signed up before the termination and reported late is accepted.
func TestSignupUnderTerminatedSponsor(t *testing.T) {
	hs := newHarness(t)
	hs.register("X", "consultant", "root", at("root", "left"))
	sun := hs.vendor("sun")
	if code, b := hs.call("POST", "/api/v1/members/X/status", map[string]any{"status": "terminated", "at": "2026-01-10T00:00:00Z"}); code != 200 {
		t.Fatalf("terminate: %d %v", code, b)
	}
	early := signup("s1", "c1", "X")
	early["occurred_at"] = "2026-01-09T00:00:00Z"
	late := signup("s2", "c2", "X")
	late["occurred_at"] = "2026-01-10T00:00:00Z"
	code, b := hs.send("sun", sun, events(early, late), 0)
	if got := statuses(b); code != 200 || got != "accepted rejected(conflict)" {
		t.Errorf("sign-ups: %d %s %v", code, got, b)
	}
}

// Before confirming a termination an admin sees who would roll up, and to whom: past a sponsor
// that is itself terminated (PLAN.md §10).
func TestRollUpPreview(t *testing.T) {
	hs := newHarness(t)
	hs.register("P", "consultant", "root", at("root", "left"))
	hs.register("X", "consultant", "P", at("P", "left"))
	hs.register("W", "consultant", "X", at("X", "left"))
	hs.register("V1", "consultant", "W", at("W", "left"))
	hs.register("c1", "customer", "W", nil)
	if code, b := hs.call("POST", "/api/v1/members/X/status", map[string]any{"status": "terminated", "at": "2026-01-10T00:00:00Z"}); code != 200 {
		t.Fatalf("terminate X: %d %v", code, b)
	}
	code, p := hs.call("GET", "/api/v1/members/W/rollup?limit=1", nil)
	if code != 200 || p["rolls_up_to"].(map[string]any)["id"] != "P" || p["total_members"].(float64) != 2 || len(p["members"].([]any)) != 1 || p["next_cursor"] == nil {
		t.Fatalf("preview: %d %v", code, p)
	}
	_, p2 := hs.call("GET", "/api/v1/members/W/rollup?limit=1&cursor="+p["next_cursor"].(string), nil)
	ids := []string{p["members"].([]any)[0].(map[string]any)["id"].(string), p2["members"].([]any)[0].(map[string]any)["id"].(string)}
	if !(ids[0] == "V1" && ids[1] == "c1" || ids[0] == "c1" && ids[1] == "V1") {
		t.Errorf("members: %v", ids)
	}
	if code, _ := hs.call("GET", "/api/v1/members/root/rollup", nil); code != 409 {
		t.Errorf("root: %d", code)
	}
}

// A run explains §10 in its member states: who was not paid and since when, and whose sponsor
// was rolled up; a refund's reversal line explains itself (§11).
func TestRunExplainsLifecycle(t *testing.T) {
	hs := newHarness(t)
	hs.register("P", "consultant", "root", at("root", "left"))
	hs.register("X", "consultant", "P", at("P", "left"))
	hs.register("W", "consultant", "X", at("X", "left"))
	hs.register("S", "consultant", "P", at("P", "right"))
	for id, st := range map[string]string{"X": "terminated", "S": "suspended"} {
		if code, b := hs.call("POST", "/api/v1/members/"+id+"/status", map[string]any{"status": st, "at": "2026-01-05T00:00:00Z"}); code != 200 {
			t.Fatalf("%s: %d %v", id, code, b)
		}
	}
	_, run := hs.call("POST", "/api/v1/payout-runs", map[string]any{"period_end": "2026-01-12T00:00:00Z"})
	id := run["id"].(string)
	_, page := hs.call("GET", "/api/v1/payout-runs/"+id+"/members?limit=50", nil)
	by := map[string]map[string]any{}
	for _, x := range page["members"].([]any) {
		m := x.(map[string]any)
		by[m["member_id"].(string)] = m
	}
	if s := by["S"]; s["status"] != "suspended" || !strings.Contains(fmt.Sprint(s["note"]), "not paid: suspended from 2026-01-05T00:00:00Z") {
		t.Errorf("S: %v", s)
	}
	if x := by["X"]; x["status"] != "terminated" || x["carry_left"] != "0.00" {
		t.Errorf("X: %v", x)
	}
	if w := by["W"]; w["effective_sponsor"] != "P" || w["status"] != nil || !strings.Contains(fmt.Sprint(w["note"]), "roll-up") {
		t.Errorf("W: %v", w)
	}
	// W's pack pays its effective sponsor P, not the terminated X.
	_, st := hs.call("GET", "/api/v1/payout-runs/"+id+"/members/P/statement", nil)
	if !strings.Contains(fmt.Sprint(st), "pack:W") {
		t.Errorf("P is paid the direct bonus on W's pack after the roll-up: %v", st)
	}
	hs.call("POST", "/api/v1/payout-runs/"+id+"/commit", nil)
	if code, b := hs.call("POST", "/api/v1/members/W/refunds", map[string]any{"sale_id": "pack:W", "occurred_at": "2026-01-13T00:00:00Z"}); code != 201 {
		t.Fatalf("refund: %d %v", code, b)
	}
	_, run2 := hs.call("POST", "/api/v1/payout-runs", map[string]any{"period_end": "2026-01-19T00:00:00Z"})
	_, st2 := hs.call("GET", "/api/v1/payout-runs/"+run2["id"].(string)+"/members/P/statement", nil)
	if !strings.Contains(fmt.Sprint(st2), "reversal of the direct bonus paid for pack:W") {
		t.Errorf("the reversal explains itself: %v", st2)
	}
}

// parallelCodes runs n calls at once and returns their status codes in call order.
func parallelCodes(n int, call func(i int) int) []int {
	codes := make([]int, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			codes[i] = call(i)
		}()
	}
	wg.Wait()
	return codes
}

// §10 at import: a line under a sponsor of the network terminated at its registered_at is
// refused with the whole file; one registered before the termination is accepted.
func TestImportUnderTerminatedSponsor(t *testing.T) {
	hs := newHarness(t)
	hs.register("X", "consultant", "root", at("root", "left"))
	if code, b := hs.call("POST", "/api/v1/members/X/status", map[string]any{"status": "terminated", "at": "2026-01-10T00:00:00Z"}); code != 200 {
		t.Fatalf("terminate: %d %v", code, b)
	}
	file := ndjson(
		`{"id":"early","name":"Early","email":"early@example.com","plan":"customer","sponsor_id":"X","registered_at":"2026-01-09T00:00:00Z"}`,
		`{"id":"late","name":"Late","email":"late@example.com","plan":"customer","sponsor_id":"X","registered_at":"2026-01-10T00:00:00Z"}`,
	)
	code, body := hs.raw("POST", "/api/v1/members/import", "application/x-ndjson", file)
	if code != 422 || !strings.Contains(fmt.Sprint(body), "line:2") || strings.Contains(fmt.Sprint(body), "line:1 ") || !strings.Contains(fmt.Sprint(body), "terminated") {
		t.Errorf("import: %d %v", code, body)
	}
}
