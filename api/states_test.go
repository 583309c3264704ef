package api_test

import (
	"testing"
	"time"
)

// Issue #19: a commit no longer copies a million end states to the members. A consultant's
// carry and lifetime volume for the next run are its statement in the last committed run; the
// member keeps only its rank, written for the few the run promotes. The next run, the
// dashboard and placement read the state from the statement. A draft made before the change
// (its freeze lists no promotions) is committed the old way, copying every state.
func TestCommittedStatementsAreTheNextRunsState(t *testing.T) {
	hs := newHarnessAt(t, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	hs.register("A", "consultant", "root", at("root", "left"))
	hs.register("B", "consultant", "root", at("root", "right"))
	sun := hs.vendor("sun")
	var evs []map[string]any
	for _, c := range []struct{ id, sponsor string }{{"ca", "A"}, {"cb", "B"}, {"cr", "root"}} {
		s := signup("s-"+c.id, c.id, c.sponsor)
		s["occurred_at"] = "2026-01-03T00:00:00Z"
		evs = append(evs, s)
	}
	for i, who := range []string{"ca", "ca", "cb", "cb", "cb", "cr"} {
		id := string(rune('a' + i))
		evs = append(evs, activated("e"+id, "act-"+id, who, "SOLAR-6KW", "2026-01-05T00:00:00Z"))
	}
	if code, body := hs.send("sun", sun, events(evs...), 0); code != 200 {
		t.Fatalf("ingest: %d %v", code, body)
	}
	count := hs.count
	rootState := func(run string) map[string]any {
		t.Helper()
		code, body := hs.call("GET", "/api/v1/payout-runs/"+run+"/members?limit=100", nil)
		if code != 200 {
			t.Fatalf("run members: %d %v", code, body)
		}
		for _, m := range body["members"].([]any) {
			if m := m.(map[string]any); m["member_id"] == "root" {
				return m
			}
		}
		t.Fatalf("root has no state in %s: %v", run, body)
		return nil
	}

	_, d1 := hs.call("POST", "/api/v1/payout-runs", map[string]any{"period_end": "2026-01-12T00:00:00Z"})
	run1 := d1["id"].(string)
	if code, body := hs.call("POST", "/api/v1/payout-runs/"+run1+"/commit", nil); code != 200 {
		t.Fatalf("commit: %d %v", code, body)
	}
	s1 := rootState(run1)
	// Left 850 BV (A's pack and two solar), right 1,250: 850 pair, 400 carried right; two
	// sponsored actives and a lesser leg of 850 make the root bronze (§4 step 3).
	if s1["rank"] != "bronze" || s1["carry_right"] != "400.00" || s1["lifetime_left"] != "850.00" || s1["lifetime_right"] != "1250.00" {
		t.Fatalf("run 1 end state of root: %v", s1)
	}
	if n := count("MATCH (m:Member) WHERE m.carry_left_cents IS NOT NULL OR m.carry_right_cents IS NOT NULL OR m.lifetime_left_cents IS NOT NULL OR m.lifetime_right_cents IS NOT NULL RETURN count(m) AS n"); n != 0 {
		t.Errorf("the commit copied %d states to the members; the statements hold them", n)
	}
	if n := count("MATCH (m:Member {id: 'root', rank: 'bronze'}) RETURN count(m) AS n"); n != 1 {
		t.Error("the promotion must be written to the member, which everyone reads its rank from")
	}
	if n := count("MATCH (m:Member) WHERE m.id IN ['A', 'B'] AND coalesce(m.rank, 'none') = 'none' RETURN count(m) AS n"); n != 2 {
		t.Error("members the run does not promote keep their rank")
	}
	code, dash := hs.call("GET", "/api/v1/members/root/dashboard", nil)
	if code != 200 {
		t.Fatalf("dashboard: %d %v", code, dash)
	}
	if legs := dash["legs"].(map[string]any); legs["carry_right"] != "400.00" || legs["lifetime_left"] != "850.00" || legs["lifetime_right"] != "1250.00" {
		t.Errorf("the dashboard must show the committed state from the statement: %v", legs)
	}

	code, tree := hs.call("GET", "/api/v1/members/root/binary-tree?depth=1", nil)
	if code != 200 {
		t.Fatalf("binary tree: %d %v", code, tree)
	}
	if root := tree["items"].([]any)[0].(map[string]any); root["id"] != "root" || root["right_volume"] != "400.00" || root["rank"] != "bronze" {
		t.Errorf("the tree must show the carry from the statement (no new volume since): %v", root)
	}
	// Run 2 has no new sales: the root starts from run 1's statement and keeps its carry.
	_, d2 := hs.call("POST", "/api/v1/payout-runs", map[string]any{"period_end": "2026-01-19T00:00:00Z"})
	run2 := d2["id"].(string)
	if s2 := rootState(run2); s2["carry_right"] != "400.00" || s2["lifetime_left"] != "850.00" || s2["lifetime_right"] != "1250.00" || s2["rank"] != "bronze" {
		t.Fatalf("run 2 must start from run 1's statement: %v", s2)
	}
	// As if drafted before issue #19: its freeze lists no promotions, so the commit copies
	// every state to the members as commits did then.
	if err := hs.st.ExecForTests(t.Context(), "MATCH (f:RunFreeze {run_id: '"+run2+"'}) REMOVE f.promoted"); err != nil {
		t.Fatal(err)
	}
	if code, body := hs.call("POST", "/api/v1/payout-runs/"+run2+"/commit", nil); code != 200 {
		t.Fatalf("commit: %d %v", code, body)
	}
	if n := count("MATCH (m:Member {id: 'root', rank: 'bronze', carry_left_cents: 0, carry_right_cents: 40000, lifetime_left_cents: 85000, lifetime_right_cents: 125000}) RETURN count(m) AS n"); n != 1 {
		t.Error("a draft from before issue #19 must copy the states at commit")
	}
	_, d3 := hs.call("POST", "/api/v1/payout-runs", map[string]any{"period_end": "2026-01-26T00:00:00Z"})
	if s3 := rootState(d3["id"].(string)); s3["carry_right"] != "400.00" || s3["lifetime_right"] != "1250.00" {
		t.Errorf("run 3 must start from run 2's statement: %v", s3)
	}
}

// Issue #19: a commit no longer writes a ledger entry per member. The committed run's
// statements are its wallet credits, all at once when the run becomes committed: the balance,
// the entries, the dashboard, withdrawals and the tax year's totals read them. A draft's
// statements credit nobody. A draft made before the change (no `credits` on the run) credits
// ledger entries at commit, and is counted once.
func TestCommittedStatementsAreTheWalletCredits(t *testing.T) {
	hs := newHarnessAt(t, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	if code, body := hs.call("POST", "/api/v1/members", map[string]any{"id": "A", "name": "Ana", "email": "ana@example.com", "password": "ana-password",
		"plan": "consultant", "sponsor_id": "root", "placement": at("root", "left"), "registered_at": "2026-01-01T00:30:00Z"}); code != 201 {
		t.Fatalf("register A: %d %v", code, body)
	}
	hs.register("B", "consultant", "root", at("root", "right"))
	hs.register("cu", "customer", "A", nil)
	sun := hs.vendor("sun")
	link := signup("e0", "cu", "A")
	link["occurred_at"] = "2026-01-04T00:00:00Z"
	if code, body := hs.send("sun", sun, events(link, activated("e1", "a1", "cu", "SOLAR-6KW", "2026-01-05T00:00:00Z"),
		activated("e2", "a2", "cu", "THERMOSTAT", "2026-01-06T00:00:00Z")), 0); code != 200 {
		t.Fatalf("ingest: %d %v", code, body)
	}
	count := hs.count
	wallet := func(id string) (string, []any) {
		t.Helper()
		code, w := hs.call("GET", "/api/v1/members/"+id+"/wallet", nil)
		if code != 200 {
			t.Fatalf("wallet %s: %d %v", id, code, w)
		}
		return w["balance"].(string), w["entries"].([]any)
	}

	_, d1 := hs.call("POST", "/api/v1/payout-runs", map[string]any{"period_end": "2026-01-12T00:00:00Z"})
	run1 := d1["id"].(string)
	if b, es := wallet("A"); b != "0.00" || len(es) != 0 {
		t.Fatalf("a draft credits nobody: %s %v", b, es)
	}
	if code, body := hs.call("POST", "/api/v1/payout-runs/"+run1+"/commit", nil); code != 200 {
		t.Fatalf("commit: %d %v", code, body)
	}
	if n := count("MATCH (e:LedgerEntry {kind: 'credit'}) RETURN count(e) AS n"); n != 0 {
		t.Errorf("the commit wrote %d ledger credits; the statements are the credits", n)
	}
	// A's statement: retail 300 + 15 for its customer's two activations.
	b, es := wallet("A")
	if b != "315.00" || len(es) != 1 {
		t.Fatalf("wallet A after the commit: %s %v", b, es)
	}
	if e := es[0].(map[string]any); e["id"] != "credit:"+run1+":A" || e["kind"] != "credit" || e["amount"] != "315.00" || e["run_id"] != run1 || e["at"] == nil {
		t.Errorf("the credit entry: %v", e)
	}
	code, dash := hs.call("GET", "/api/v1/members/A/dashboard", nil)
	if code != 200 {
		t.Fatalf("dashboard: %d %v", code, dash)
	}
	if w, _ := dash["wallet"].(map[string]any); w == nil || w["balance"] != "315.00" || len(w["recent"].([]any)) != 1 {
		t.Errorf("the dashboard's wallet: %v", dash["wallet"])
	}
	totals, err := hs.st.YearTotals(t.Context(), time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC), 0)
	if err != nil {
		t.Fatal(err)
	}
	byMember := map[string]int64{}
	for _, y := range totals {
		byMember[y.MemberID] = int64(y.Credited)
	}
	if byMember["A"] != 31500 {
		t.Errorf("the tax year's credits: %v", byMember)
	}

	// Withdrawals decide on the same balance, under the member's lock.
	hs.clear("A")
	_, login := hs.call("POST", "/api/v1/auth/login", map[string]any{"email": "ana@example.com", "password": "ana-password"})
	ana := hs.as(login["token"].(string))
	if code, body := ana.call("POST", "/api/v1/members/A/withdrawals", map[string]any{"amount": "315.01"}); code != 422 && code != 409 {
		t.Errorf("a withdrawal above the balance: %d %v", code, body)
	}
	if code, body := ana.call("POST", "/api/v1/members/A/withdrawals", map[string]any{"amount": "300.00"}); code != 201 {
		t.Fatalf("a withdrawal the balance covers: %d %v", code, body)
	}
	if b, es := wallet("A"); b != "15.00" || len(es) != 2 {
		t.Errorf("after the withdrawal: %s %v", b, es)
	}

	// As if drafted before issue #19: the commit writes a ledger entry per member, counted once.
	hs.send("sun", sun, events(activated("e3", "a3", "cu", "THERMOSTAT", "2026-01-13T00:00:00Z")), 0)
	_, d2 := hs.call("POST", "/api/v1/payout-runs", map[string]any{"period_end": "2026-01-19T00:00:00Z"})
	run2 := d2["id"].(string)
	if err := hs.st.ExecForTests(t.Context(), "MATCH (r:PayoutRun {id: '"+run2+"'}) REMOVE r.credits"); err != nil {
		t.Fatal(err)
	}
	if code, body := hs.call("POST", "/api/v1/payout-runs/"+run2+"/commit", nil); code != 200 {
		t.Fatalf("commit: %d %v", code, body)
	}
	if n := count("MATCH (e:LedgerEntry {kind: 'credit', run_id: '" + run2 + "', member_id: 'A', amount_cents: 1500}) RETURN count(e) AS n"); n != 1 {
		t.Error("a draft from before issue #19 must credit a ledger entry at commit")
	}
	if b, es := wallet("A"); b != "30.00" || len(es) != 3 {
		t.Errorf("wallet A after both runs: %s %v", b, es)
	}
}

// count runs a Cypher count (RETURN … AS n) against the test database.
func (hs *harness) count(q string) int64 {
	hs.t.Helper()
	n, err := hs.st.CountForTests(hs.t.Context(), q)
	if err != nil {
		hs.t.Fatal(err)
	}
	return n
}
