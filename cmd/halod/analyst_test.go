package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/halo-oss/halo/graph/genealogy"
	"github.com/halo-oss/halo/graph/payouts"
)

// Issue #20: the analysts' queries (cypher/analyst/*.cypher) run against the demo network with
// vendors' sales, a cancellation and a committed run, and answer what they say they answer.
func TestAnalystQueriesOnTheDemoNetwork(t *testing.T) {
	now := time.Now().UTC().Truncate(time.Second)
	a, st := demoApp(t, now.AddDate(0, 0, -90))
	ctx := context.Background()
	if _, err := SeedDemo(ctx, a.Vendors, a.Members, "root", a.Log); err != nil {
		t.Fatal(err)
	}
	// Demo customers sign up with the vendors and activate services three days ago; one is
	// cancelled before any run (a void).
	at := now.AddDate(0, 0, -3).Format(time.RFC3339)
	type ev = map[string]any
	signup := func(id, cust, sponsor string) ev {
		return ev{"id": id, "type": "customer.signup", "occurred_at": at, "data": ev{"customer_id": cust, "name": cust, "email": cust + "@demo.halo.local", "sponsor_id": sponsor}}
	}
	act := func(id, cust, sku string) ev {
		return ev{"id": id, "type": "service.activated", "occurred_at": at, "data": ev{"activation_id": id, "member_id": cust, "sku": sku}}
	}
	batches := map[string][]ev{
		"sunpower-demo": {signup("s1", "cust-mia", "carla"), signup("s2", "cust-noah", "dev"), act("a1", "cust-mia", "SOLAR-6KW"), act("a2", "cust-noah", "BATTERY-13KWH"),
			act("a3", "cust-mia", "BATTERY-13KWH"), {"id": "x1", "type": "service.cancelled", "occurred_at": at, "data": ev{"activation_id": "a3"}}},
		"ecobee-demo": {signup("s3", "cust-olga", "emma"), act("a4", "cust-olga", "THERMOSTAT")},
	}
	for vendor, evs := range batches {
		body, _ := json.Marshal(ev{"events": evs})
		res, err := a.Ingest.Ingest(ctx, vendor, body)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range res.Results {
			if r.Status != "accepted" {
				t.Fatalf("%s: %+v", vendor, r)
			}
		}
	}
	end := now.Add(-time.Hour)
	run, err := a.Payouts.Draft(ctx, payouts.CreateRunRequest{PeriodEnd: &end}, "admin")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.Payouts.Commit(ctx, run.ID, "admin"); err != nil {
		t.Fatal(err)
	}
	// The earnings follow the commit in the background; this waits for that write and does
	// whatever it left.
	if err := a.Payouts.WriteEarnings(ctx); err != nil {
		t.Fatal(err)
	}
	query := func(name string, params map[string]any) []map[string]any {
		t.Helper()
		q, err := os.ReadFile(filepath.Join("..", "..", "cypher", "analyst", name+".cypher"))
		if err != nil {
			t.Fatal(err)
		}
		rows, err := st.QueryForTests(ctx, string(q), params)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		return rows
	}
	period := map[string]any{"from": now.AddDate(0, -3, 0).Format(time.RFC3339), "to": now.Add(time.Hour).Format(time.RFC3339)}
	// Earnings: the top retail earners of sunpower-demo (carla for mia's solar), and every line of the run.
	top := query("top_earners", map[string]any{"from": period["from"], "to": period["to"], "type": "retail", "vendor": "sunpower-demo", "limit": 3})
	if len(top) == 0 || top[0]["member"] != "carla" || top[0]["earned"] != "300.00" || !strings.Contains(top[0]["earned"].(string), ".") {
		t.Errorf("top revenue-share earners: %v", top)
	}
	all := query("top_earners", map[string]any{"from": period["from"], "to": period["to"], "type": nil, "vendor": nil, "limit": 1000})
	var sum int64
	for _, r := range all {
		sum += r["earned_cents"].(int64)
	}
	if total := run.Totals.Total; fmt.Sprintf("%d.%02d", sum/100, sum%100) != total {
		t.Errorf("earnings sum to %d cents, the run paid %s", sum, total)
	}
	// Sales by vendor: the cancelled battery is not there.
	sales := query("sales_by_vendor", period)
	got := map[string]int64{}
	for _, r := range sales {
		got[r["vendor"].(string)] += r["sales"].(int64)
	}
	if got["sunpower-demo"] != 2 || got["ecobee-demo"] != 1 {
		t.Errorf("sales by vendor: %v", sales)
	}
	// Downline volume by generation below carla: mia's solar (400 BV) in generation 1.
	gens := query("downline_volume_by_generation", map[string]any{"member": "carla", "from": period["from"], "to": period["to"]})
	if len(gens) == 0 || gens[0]["generation"].(int64) != 1 || gens[0]["bv_cents"].(int64) < 40000 {
		t.Errorf("carla's downline by generation: %v", gens)
	}
	// Leg balance: once the demo's placements are added up, the root's legs hold every other
	// consultant of the demo network.
	if _, err := st.RecountLegs(ctx, genealogy.LegSizes); err != nil {
		t.Fatal(err)
	}
	for {
		n, _, err := st.AddPending(ctx, 1000)
		if err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			break
		}
	}
	legs := query("leg_balance", map[string]any{"min_downline": 1, "limit": 5})
	consultants, _ := st.CountForTests(ctx, "MATCH (c:Consultant) RETURN count(c) AS n")
	if len(legs) == 0 || legs[0]["member"] != "root" || legs[0]["downline"].(int64) != consultants-1 || legs[0]["weaker_pct"].(float64) > 50 {
		t.Errorf("leg balance (%d consultants): %v", consultants, legs)
	}
	if rows := query("rank_advancements_by_month", nil); rows == nil {
		t.Error("rank advancements: no answer")
	}
	// §10: after carla is terminated her recruits and customers roll up to ana; the recorded
	// enroller stays carla, so the analyst sees both.
	if _, err := a.Members.SetStatus(ctx, "carla", genealogy.StatusRequest{Status: "terminated", Reason: "analyst test"}); err != nil {
		t.Fatal(err)
	}
	rolled := query("rolled_up_members", map[string]any{"terminated": nil})
	seen := map[string]bool{}
	for _, r := range rolled {
		if r["original_sponsor"] != "carla" || r["effective_sponsor"] != "ana" {
			t.Errorf("rolled up: %v", r)
		}
		seen[r["member"].(string)] = true
	}
	if !seen["gina"] || !seen["hiro"] || !seen["cust-mia"] {
		t.Errorf("carla's members rolled up: %v", rolled)
	}
	// The earnings are a graph: member, run and vendor are one hop away.
	if n, _ := st.CountForTests(ctx, "MATCH (:Member)-[:EARNED]->(e:Earning)-[:IN_RUN]->(:PayoutRun {id: '"+run.ID+"'}) MATCH (e)-[:FROM_VENDOR]->(:Vendor) RETURN count(e) AS n"); n == 0 {
		t.Error("earnings are not linked to their member, run and vendor")
	}
	// Runs whose earnings a crash left unwritten get them from the housekeeping.
	_ = st.ExecForTests(ctx, "MATCH (e:Earning) DETACH DELETE e")
	_ = st.ExecForTests(ctx, "MATCH (r:PayoutRun) REMOVE r.earnings_written")
	a.Payouts.WriteEarningsInBackground(ctx) // what the housekeeping starts
	if err := a.Payouts.WriteEarnings(ctx); err != nil {
		t.Fatal(err)
	}
	if again := query("top_earners", map[string]any{"from": period["from"], "to": period["to"], "type": nil, "vendor": nil, "limit": 1000}); len(again) != len(all) {
		t.Errorf("backfilled earnings: %d rows, want %d", len(again), len(all))
	}
}
