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
	count := func(q string) int64 {
		t.Helper()
		n, err := hs.st.CountForTests(t.Context(), q)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
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
