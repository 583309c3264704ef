package main

import (
	"context"
	"testing"
	"time"

	"github.com/halo-oss/halo/engine"
	"github.com/halo-oss/halo/graph"
	"github.com/halo-oss/halo/graph/compliance"
	"github.com/halo-oss/halo/graph/genealogy"
	"github.com/halo-oss/halo/graph/payouts"
	"github.com/halo-oss/halo/internal/app"
	"github.com/halo-oss/halo/internal/testenv"
	"github.com/halo-oss/halo/store"
)

// Issue #14, finding 12: seed-demo works on a fresh database whose root registered just now
// (no HALO_ROOT_REGISTERED_AT): the demo's history is squeezed between the root and now.
func TestSeedDemoOnAFreshDatabase(t *testing.T) {
	rootAt := time.Now().UTC().Add(-time.Second)
	a, _ := demoApp(t, rootAt)
	ctx := context.Background()
	if _, err := SeedDemo(ctx, a.Vendors, a.Members, "root", a.Log); err != nil {
		t.Fatal(err)
	}
	if err := SeedField(ctx, a.Content, a.Field, a.Log); err != nil {
		t.Fatal(err)
	}
	leo, err := a.Members.Get(ctx, "leo")
	if err != nil || leo.RegisteredAt.After(time.Now()) || !leo.RegisteredAt.After(rootAt) {
		t.Errorf("%v %+v", err, leo)
	}
	// Idempotent: a second seeding changes nothing and fails on nothing.
	if _, err := SeedDemo(ctx, a.Vendors, a.Members, "root", a.Log); err != nil {
		t.Fatal(err)
	}
}

// demoApp is Halo on a fresh test graph, its root registered at rootAt, with migrations, the
// first admin and the root in place.
func demoApp(t *testing.T, rootAt time.Time) (*app.App, *store.Store) {
	t.Helper()
	st := testenv.Store(t)
	cfg := &app.Config{AdminEmail: "admin@example.com", AdminPassword: "admin-password", RootID: "root", RootEmail: "root@example.com",
		RootRegisteredAt: rootAt, SecretKey: "test-secret", TokenTTL: time.Hour, LoginFailures: 5, LoginFailuresPerIP: 30, ImportBatch: 100}
	a := app.New(cfg, engine.DefaultConfig(), app.Deps{Store: st, Cache: testenv.Cache(t), Log: testenv.Log()})
	if err := a.Bootstrap.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	return a, st
}

// Issue #13: the demo shows the plan. On a root old enough for eight weeks of history, seed-demo
// commits seven weekly runs in which every line type appears, a capped binary week and a
// clawback among them; Ana has a paid and a pending withdrawal; a pack waits for its payment.
func TestSeedDemoHistoryShowsThePlan(t *testing.T) {
	a, _ := demoApp(t, time.Now().UTC().AddDate(0, 0, -90))
	ctx := context.Background()
	if _, err := SeedDemo(ctx, a.Vendors, a.Members, "root", a.Log); err != nil {
		t.Fatal(err)
	}
	if err := SeedField(ctx, a.Content, a.Field, a.Log); err != nil {
		t.Fatal(err)
	}
	done, err := SeedHistory(ctx, a, "root", a.Log)
	if err != nil || !done {
		t.Fatalf("history: %v %v", done, err)
	}
	runs, err := a.Payouts.List(ctx)
	if err != nil || len(runs) != demoRuns {
		t.Fatalf("runs: %v %d", err, len(runs))
	}
	seen := map[string]bool{}
	capped, clawback := false, false
	for _, r := range runs {
		if r.Status != "committed" {
			t.Errorf("run %s is %s", r.ID, r.Status)
		}
		err := a.Payouts.EachLine(ctx, r.ID, func(l payouts.RunLine) error {
			seen[l.Type] = true
			clawback = clawback || l.ReversalOf != ""
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	for _, r := range runs {
		st, err := a.Payouts.Statement(ctx, r.ID, "carla")
		if err != nil {
			continue
		}
		for _, l := range st.Lines {
			capped = capped || (l.Type == "binary" && l.Explanation.Flushed != "" && l.Explanation.Flushed != "0.00")
		}
	}
	for _, lt := range []string{"direct", "binary", "matching", "rank", "revenue_share", "retail", "pool"} {
		if !seen[lt] {
			t.Errorf("no %s line in the demo's runs", lt)
		}
	}
	if !capped || !clawback {
		t.Errorf("capped binary week %v, clawback %v", capped, clawback)
	}
	wd, err := a.Wallets.List(ctx, "", "ana", "", 10)
	if err != nil || len(wd.Items) != 2 {
		t.Fatalf("ana's withdrawals: %v %+v", err, wd)
	}
	pending := true
	p, err := a.Members.Find(ctx, genealogy.MemberFilter{Pending: &pending}, "", 10)
	if err != nil || len(p.Items) != 1 {
		t.Errorf("pending packs: %v %+v", err, p)
	}
	// Referrals at every stage; the won one signed up through its referral, credited to Ana.
	pipe, err := a.Referrals.Pipeline(ctx, "ana")
	stages := map[string]int64{}
	for _, c := range pipe.Pipeline {
		stages[c.Status] += c.Count
	}
	if err != nil || stages["won"] != 1 || stages["lost"] != 1 || stages["rejected"] != 1 || stages["quoted"] != 1 || stages["delivered"] != 1 {
		t.Errorf("ana's pipeline: %v %v", err, stages)
	}
	if m, err := a.Members.Get(ctx, "cust-priya"); err != nil || m.SponsorID != "ana" {
		t.Errorf("the referred customer: %v %+v", err, m)
	}
	// Form 1099-NEC over the demo's year: box 1 is each member's credits of the year, exactly.
	year := a.Members.Now().UTC().Year()
	f, err := a.Compliance.Form1099(ctx, year)
	if err != nil {
		t.Fatal(err)
	}
	credits := func(id string) engine.Units {
		var sum engine.Units
		for cur := ""; ; {
			w, err := a.Wallets.Wallet(ctx, id, cur, 200)
			if err != nil {
				t.Fatal(err)
			}
			for _, e := range w.Entries {
				if e.Kind == payouts.LedgerCredit && e.At.Year() == year {
					u, _ := graph.ParseAmount(e.Amount)
					sum += u
				}
			}
			if cur = w.NextCursor; cur == "" {
				return sum
			}
		}
	}
	inReport := map[string]string{}
	for _, r := range append(append([]compliance.Recipient{}, f.Recipients...), f.MissingTIN...) {
		inReport[r.MemberID] = r.Box1
		if r.Box1 != graph.Money(credits(r.MemberID)) {
			t.Errorf("1099 box 1 of %s: %s, ledger credits %s", r.MemberID, r.Box1, credits(r.MemberID))
		}
	}
	for _, id := range []string{"ana", "carla", "dev"} {
		if _, in := inReport[id]; in != (credits(id) >= 200000) {
			t.Errorf("%s (credits %s) in the %d report: %v", id, credits(id), year, in)
		}
	}
	rows, err := a.Compliance.FilingRows(ctx, f)
	if err != nil || len(rows) != len(f.Recipients) {
		t.Errorf("filing rows: %v %d", err, len(rows))
	}
	t.Logf("1099-NEC %d: %d recipients, %d without a TIN, box 1 total %s", year, len(f.Recipients), len(f.MissingTIN), f.TotalBox1)
	// The income disclosure statement of the demo's year counts every consultant, earners or not.
	d, err := a.Compliance.Disclose(ctx, compliance.DisclosureRequest{Year: year})
	if err != nil {
		t.Fatal(err)
	}
	var sum int64
	for _, r := range d.ByRank {
		sum += r.Participants
	}
	if sum != d.All.Participants || d.All.Participants < 100 || d.All.EarnedNothing == "0.00" || d.All.Max == "0.00" || d.Customers < 150 || d.CustomerPct == "0.00" {
		t.Errorf("income disclosure: %+v", d.All)
	}
	t.Logf("income disclosure %d: %d consultants, %s%% earned nothing, median %s, mean %s, max %s; %d customers bought %s%% of sales BV",
		year, d.All.Participants, d.All.EarnedNothing, d.All.Median, d.All.Mean, d.All.Max, d.Customers, d.CustomerPct)
	// Once only: a second seeding leaves the history alone.
	if again, err := SeedHistory(ctx, a, "root", a.Log); err != nil || again {
		t.Errorf("second history: %v %v", again, err)
	}
}
