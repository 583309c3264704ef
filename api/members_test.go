package api_test

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/halo-oss/halo/graph/genealogy"
)

func TestRegistrationRulesAnswer422NamingTheField(t *testing.T) {
	hs := newHarness(t)
	hs.register("A", "consultant", "root", at("root", "left"))
	hs.register("cust", "customer", "A", nil)
	future := time.Now().Add(time.Hour).Format(time.RFC3339)
	cases := []struct {
		name  string
		req   map[string]any
		field string
	}{
		{"id format", map[string]any{"id": "bad id!", "plan": "consultant", "sponsor_id": "root"}, "id"},
		{"id taken", map[string]any{"id": "A", "plan": "consultant", "sponsor_id": "root", "placement": at("root", "right")}, "id"},
		{"email format", map[string]any{"id": "X1", "email": "not-an-email", "plan": "consultant", "sponsor_id": "root"}, "email"},
		{"email taken", map[string]any{"id": "X2", "email": "A@example.com", "plan": "consultant", "sponsor_id": "root", "placement": at("root", "right")}, "email"},
		{"admin email taken", map[string]any{"id": "X2b", "email": "admin@example.com", "plan": "consultant", "sponsor_id": "root", "placement": at("root", "right")}, "email"},
		{"plan", map[string]any{"id": "X3", "plan": "gold", "sponsor_id": "root"}, "plan"},
		{"sponsor missing", map[string]any{"id": "X4", "plan": "consultant", "sponsor_id": "nobody", "placement": at("root", "right")}, "sponsor_id"},
		{"sponsor is a customer", map[string]any{"id": "X5", "plan": "customer", "sponsor_id": "cust"}, "sponsor_id"},
		{"customer placed", map[string]any{"id": "X6", "plan": "customer", "sponsor_id": "A", "placement": at("A", "left")}, "placement"},
		{"parent outside sponsor subtree", map[string]any{"id": "X7", "plan": "consultant", "sponsor_id": "A", "placement": at("root", "right")}, "placement.parent_id"},
		{"parent missing", map[string]any{"id": "X8", "plan": "consultant", "sponsor_id": "root", "placement": at("ghost", "left")}, "placement.parent_id"},
		{"parent is a customer", map[string]any{"id": "X9", "plan": "consultant", "sponsor_id": "A", "placement": at("cust", "left")}, "placement.parent_id"},
		{"slot taken", map[string]any{"id": "X10", "plan": "consultant", "sponsor_id": "root", "placement": at("root", "left")}, "placement.leg"},
		{"leg", map[string]any{"id": "X11", "plan": "consultant", "sponsor_id": "root", "placement": at("root", "up")}, "placement.leg"},
		{"strategy", map[string]any{"id": "X12", "plan": "consultant", "sponsor_id": "root", "placement": strategy("random")}, "placement.strategy"},
		{"future", map[string]any{"id": "X13", "plan": "consultant", "sponsor_id": "root", "registered_at": future}, "registered_at"},
		{"before sponsor", map[string]any{"id": "X14", "plan": "consultant", "sponsor_id": "root", "registered_at": "2025-01-01T00:00:00Z", "placement": at("root", "right")}, "registered_at"},
		{"password too short", map[string]any{"id": "X15", "plan": "consultant", "sponsor_id": "root", "password": "short"}, "password"},
	}
	for _, c := range cases {
		if _, ok := c.req["email"]; !ok {
			c.req["email"] = strings.ToLower(fmt.Sprint(c.req["id"])) + "-ok@example.com"
		}
		if _, ok := c.req["name"]; !ok {
			c.req["name"] = "Someone"
		}
		code, body := hs.call("POST", "/api/v1/members", c.req)
		ecode, msg, fields := errOf(body)
		if code != 422 || ecode != "invalid" || !slices.Contains(fields, c.field) || !strings.Contains(msg, c.field) {
			t.Errorf("%s: %d %v, want 422 naming %s", c.name, code, body, c.field)
		}
	}
	if code, body := hs.call("POST", "/api/v1/members", `{"id": 5}`); code != 400 {
		t.Errorf("malformed JSON: %d %v", code, body)
	}
	// Nothing was created by the rejected requests.
	if n, _ := hs.st.CountForTests(t.Context(), "MATCH (m:Member) RETURN count(m) AS n"); n != 3 {
		t.Errorf("members after rejections: %d, want 3", n)
	}
}

func TestRegistrationCreatesPackSaleAndPlacement(t *testing.T) {
	hs := newHarness(t)
	m := hs.register("A", "consultant", "root", at("root", "left"))
	if m["parent_id"] != "root" || m["leg"] != "left" || m["sponsor_id"] != "root" || m["rank"] != "none" || m["plan"] != "consultant" {
		t.Fatalf("member %v", m)
	}
	hs.register("aff", "affiliate", "A", at("A", "left"))
	hs.register("c1", "customer", "A", nil)
	n, _ := hs.st.CountForTests(t.Context(), "MATCH (s:Sale {id: 'pack:A', kind: 'pack', price_cents: 9900, bv_cents: 5000})-[:OF]->(:Member {id: 'A'}) RETURN count(s) AS n")
	if n != 1 {
		t.Errorf("pack sale of A: %d", n)
	}
	n, _ = hs.st.CountForTests(t.Context(), "MATCH (s:Sale) WHERE s.member_id IN ['aff', 'c1'] RETURN count(s) AS n")
	if n != 0 {
		t.Errorf("an affiliate and a customer buy no pack: %d sales", n)
	}
	code, body := hs.call("GET", "/api/v1/members/c1", nil)
	if code != 200 || body["parent_id"] != nil || body["sponsor_id"] != "A" || body["plan"] != "customer" {
		t.Errorf("customer %d %v", code, body)
	}
	if code, _ := hs.call("GET", "/api/v1/members/nobody", nil); code != 404 {
		t.Errorf("unknown member: %d", code)
	}
}

func TestPlacementStrategies(t *testing.T) {
	hs := newHarness(t)
	// root: left chain A-L1-L2, right B; A also has right AR.
	hs.register("A", "consultant", "root", at("root", "left"))
	hs.register("B", "consultant", "root", at("root", "right"))
	hs.register("L1", "consultant", "A", at("A", "left"))
	hs.register("AR", "consultant", "A", at("A", "right"))
	hs.register("L2", "consultant", "A", at("L1", "left"))

	if m := hs.register("XL", "consultant", "root", strategy("extreme_left")); m["parent_id"] != "L2" || m["leg"] != "left" {
		t.Errorf("extreme_left: %v", m)
	}
	if m := hs.register("XL2", "consultant", "root", strategy("extreme_left")); m["parent_id"] != "XL" || m["leg"] != "left" {
		t.Errorf("extreme_left again (resumes from the remembered end): %v", m)
	}
	if m := hs.register("XR", "affiliate", "root", strategy("extreme_right")); m["parent_id"] != "B" || m["leg"] != "right" {
		t.Errorf("extreme_right: %v", m)
	}
	// Balanced under A: breadth-first, left before right: L1's right slot is the first free one.
	if m := hs.register("BA", "consultant", "A", strategy("balanced")); m["parent_id"] != "L1" || m["leg"] != "right" {
		t.Errorf("balanced: %v", m)
	}
	if m := hs.register("BA2", "consultant", "A", strategy("balanced")); m["parent_id"] != "AR" || m["leg"] != "left" {
		t.Errorf("balanced 2: %v", m)
	}
	// Weaker leg with equal (zero) BV: fewer members wins. Root: left has 8 members, right 2.
	if m := hs.register("W", "consultant", "root", strategy("weaker_leg")); m["parent_id"] != "XR" || m["leg"] != "right" {
		t.Errorf("weaker_leg by count: %v", m)
	}
	// Weaker leg by lifetime BV (kept by payout commits): the left leg is weaker now.
	if err := hs.st.ExecForTests(t.Context(), "MATCH (r:Member {id: 'root'}) SET r.lifetime_left_cents = 100, r.lifetime_right_cents = 500"); err != nil {
		t.Fatal(err)
	}
	if m := hs.register("W2", "consultant", "root", strategy("weaker_leg")); m["leg"] != "left" || m["parent_id"] != "XL2" {
		t.Errorf("weaker_leg by BV: %v", m)
	}
	// Without placement a consultant goes to the weaker leg too.
	if m := hs.register("D", "consultant", "B", nil); m["parent_id"] != "B" || m["leg"] != "left" {
		t.Errorf("default placement: %v", m)
	}
}

// Hundreds of concurrent registrations under one sponsor, every strategy at once: every one
// succeeds, no slot is shared, and the tree stays a binary tree inside the sponsor's subtree.
func TestConcurrentPlacementIsRaceFree(t *testing.T) {
	hs := newHarness(t)
	hs.register("S", "consultant", "root", at("root", "left"))
	strategies := []string{"extreme_left", "extreme_right", "weaker_leg", "balanced"}
	const n = 240
	var wg sync.WaitGroup
	errs := make(chan string, n)
	sem := make(chan struct{}, 32)
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			id := fmt.Sprintf("c%03d", i)
			code, body := hs.call("POST", "/api/v1/members", map[string]any{"id": id, "name": id, "email": id + "@example.com",
				"plan": "affiliate", "sponsor_id": "S", "placement": strategy(strategies[i%len(strategies)]), "registered_at": rootAt.Add(time.Hour).Format(time.RFC3339)})
			if code != 201 {
				errs <- fmt.Sprintf("%s: %d %v", id, code, body)
			}
		}(i)
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
	n1, _ := hs.st.CountForTests(t.Context(), "MATCH (p)-[r:LEFT|RIGHT]->(c) WITH p, type(r) AS leg, count(c) AS k WHERE k > 1 RETURN count(*) AS n")
	if n1 != 0 {
		t.Errorf("%d slots hold more than one consultant", n1)
	}
	n2, _ := hs.st.CountForTests(t.Context(), "MATCH (S:Member {id: 'S'})-[:LEFT|RIGHT*1..]->(d) RETURN count(d) AS n")
	if n2 != n {
		t.Errorf("%d consultants under S, want %d", n2, n)
	}
	n3, _ := hs.st.CountForTests(t.Context(), "MATCH (c:Consultant) WHERE c.id <> 'root' AND NOT ()-[:LEFT|RIGHT]->(c) RETURN count(c) AS n")
	if n3 != 0 {
		t.Errorf("%d consultants without a parent", n3)
	}
}

func TestUpgradesGoUpOnlyAndRecordTheDifference(t *testing.T) {
	hs := newHarness(t)
	hs.register("A", "affiliate", "root", at("root", "left"))
	hs.register("c", "customer", "A", nil)
	occurred := rootAt.Add(48 * time.Hour).Format(time.RFC3339)
	code, body := hs.call("POST", "/api/v1/members/A/upgrade", map[string]any{"plan": "consultant", "occurred_at": occurred})
	if code != 200 || body["plan"] != "consultant" {
		t.Fatalf("upgrade %d %v", code, body)
	}
	n, _ := hs.st.CountForTests(t.Context(), "MATCH (s:Sale {kind: 'upgrade', member_id: 'A', price_cents: 9900, bv_cents: 5000, from_plan: 'affiliate', plan: 'consultant'}) RETURN count(s) AS n")
	if n != 1 {
		t.Errorf("upgrade sale: %d", n)
	}
	code, body = hs.call("POST", "/api/v1/members/A/upgrade", map[string]any{"plan": "consultant_plus", "occurred_at": occurred})
	if code != 200 {
		t.Fatalf("second upgrade %d %v", code, body)
	}
	n, _ = hs.st.CountForTests(t.Context(), "MATCH (s:Sale {kind: 'upgrade', member_id: 'A', price_cents: 20000, bv_cents: 10000}) RETURN count(s) AS n")
	if n != 1 {
		t.Errorf("second upgrade sale (299-99, 150-50): %d", n)
	}
	for _, c := range []struct {
		id, plan string
		field    string
	}{{"A", "consultant", "plan"}, {"A", "gold", "plan"}, {"c", "consultant", "plan"}} {
		code, body := hs.call("POST", "/api/v1/members/"+c.id+"/upgrade", map[string]any{"plan": c.plan})
		if _, _, f := errOf(body); code != 422 || !slices.Contains(f, c.field) {
			t.Errorf("upgrade %s to %s: %d %v", c.id, c.plan, code, body)
		}
	}
	if code, _ := hs.call("POST", "/api/v1/members/nobody/upgrade", map[string]any{"plan": "consultant"}); code != 404 {
		t.Errorf("unknown member upgrade: %d", code)
	}
}

func TestTreeQueries(t *testing.T) {
	hs := newHarness(t)
	hs.register("A", "consultant", "root", at("root", "left"))
	hs.register("B", "consultant", "A", at("A", "left"))
	hs.register("C", "consultant", "B", at("B", "right"))
	hs.register("D", "consultant_plus", "A", at("A", "right"))
	hs.register("cu", "customer", "C", nil)

	_, body := hs.call("GET", "/api/v1/members/C/upline?levels=2", nil)
	up := body["upline"].([]any)
	if len(up) != 2 || up[0].(map[string]any)["id"] != "B" || up[1].(map[string]any)["id"] != "A" {
		t.Errorf("sponsor upline: %v", body)
	}
	_, body = hs.call("GET", "/api/v1/members/C/upline?tree=placement", nil)
	up = body["upline"].([]any)
	if len(up) != 3 || up[2].(map[string]any)["id"] != "root" || up[0].(map[string]any)["level"] != float64(1) {
		t.Errorf("placement upline: %v", body)
	}
	_, body = hs.call("GET", "/api/v1/members/A/binary-tree?depth=2&limit=2", nil)
	items := body["items"].([]any)
	if len(items) != 2 || items[0].(map[string]any)["id"] != "A" || items[1].(map[string]any)["id"] != "B" || body["next_cursor"] == nil {
		t.Fatalf("binary tree page 1: %v", body)
	}
	_, body = hs.call("GET", "/api/v1/members/A/binary-tree?depth=2&limit=2&cursor="+body["next_cursor"].(string), nil)
	items = body["items"].([]any)
	if len(items) != 2 || items[0].(map[string]any)["id"] != "D" || items[1].(map[string]any)["id"] != "C" || body["next_cursor"] != nil {
		t.Errorf("binary tree page 2 (breadth-first, left before right): %v", body)
	}
	_, body = hs.call("GET", "/api/v1/members/A/generations", nil)
	gens := body["generations"].([]any)
	if len(gens) != 8 || gens[0].(map[string]any)["members"] != float64(2) || gens[1].(map[string]any)["members"] != float64(1) || gens[2].(map[string]any)["customers"] != float64(1) {
		t.Errorf("generations: %v", body)
	}
	_, body = hs.call("GET", "/api/v1/members/A/generations/1", nil)
	if items := body["items"].([]any); len(items) != 2 || items[0].(map[string]any)["id"] != "B" {
		t.Errorf("generation 1: %v", body)
	}
	_, body = hs.call("GET", "/api/v1/members/root/legs", nil)
	if body["left"] != float64(4) || body["right"] != float64(0) || body["pending"] != float64(0) {
		t.Errorf("legs (walked before the first count): %v", body)
	}
	// Issue #19: once counted, the legs are kept; a new placement shows as pending until the
	// adding pass (every HALO_LEG_COUNT_INTERVAL in halod) has added it.
	legs := hs.app.Members.LegStore
	if _, err := legs.RecountLegs(t.Context(), genealogy.LegSizes); err != nil {
		t.Fatal(err)
	}
	hs.register("E", "consultant", "D", at("D", "right"))
	_, body = hs.call("GET", "/api/v1/members/A/legs", nil)
	if body["left"] != float64(2) || body["right"] != float64(1) || body["pending"] != float64(1) {
		t.Errorf("legs with a placement pending: %v", body)
	}
	if n, _, err := legs.AddPending(t.Context(), 100); err != nil || n != 1 {
		t.Fatalf("adding pass: %d %v", n, err)
	}
	_, body = hs.call("GET", "/api/v1/members/A/legs", nil)
	if body["left"] != float64(2) || body["right"] != float64(2) || body["pending"] != float64(0) {
		t.Errorf("legs after the adding pass: %v", body)
	}
	_, body = hs.call("GET", "/api/v1/members?q=member%20c", nil)
	if items := body["items"].([]any); len(items) != 2 || items[0].(map[string]any)["id"] != "C" || items[1].(map[string]any)["id"] != "cu" {
		t.Errorf("search by name: %v", body)
	}
	_, body = hs.call("GET", "/api/v1/members?q=d@exa", nil)
	if items := body["items"].([]any); len(items) != 1 || items[0].(map[string]any)["id"] != "D" {
		t.Errorf("search by email: %v", body)
	}
	for _, p := range []string{"/api/v1/members/A/upline?levels=x", "/api/v1/members/A/binary-tree?depth=50", "/api/v1/members/A/generations/9", "/api/v1/members?q=a", "/api/v1/members/A/binary-tree?cursor=zzz"} {
		if code, body := hs.call("GET", p, nil); code != 422 {
			t.Errorf("%s: %d %v", p, code, body)
		}
	}
	for _, p := range []string{"/api/v1/members/nobody/upline", "/api/v1/members/nobody/binary-tree", "/api/v1/members/nobody/legs", "/api/v1/members/nobody/generations"} {
		if code, _ := hs.call("GET", p, nil); code != 404 {
			t.Errorf("%s: %d", p, code)
		}
	}
}
