package engine

import (
	"errors"
	"strings"
	"testing"
)

func TestUnitsRoundingHalfUpAwayFromZero(t *testing.T) {
	cases := []struct {
		base, rate, want string
	}{
		{"99", "0.15", "14.85"},
		{"0.05", "0.5", "0.03"},   // 0.025 -> 0.03
		{"0.05", "0.1", "0.01"},   // 0.005 -> 0.01
		{"0.04", "0.1", "0.00"},   // 0.004 -> 0.00
		{"-0.05", "0.5", "-0.03"}, // away from zero
		{"-0.04", "0.1", "-0.00"},
		{"133.33", "0.03", "4.00"}, // 3.9999 -> 4.00
		{"25000", "0.12", "3000.00"},
	}
	for _, c := range cases {
		rt, err := ParseRate(c.rate)
		if err != nil {
			t.Fatal(err)
		}
		got := mulRateRound(mustU(c.base), rt)
		if got != mustU(strings.TrimPrefix(c.want, "-")) && got != -mustU(strings.TrimPrefix(c.want, "-")) || (strings.HasPrefix(c.want, "-") != (got < 0) && got != 0) {
			t.Errorf("%s × %s = %s, want %s", c.base, c.rate, got, c.want)
		}
	}
	if _, err := ParseUnits("1.005"); err == nil {
		t.Error("three decimals must be rejected")
	}
	if Units(-90).String() != "-0.90" || Units(1250).String() != "12.50" {
		t.Error("formatting")
	}
}

func TestActivityWindowAndVoidsDecideActive(t *testing.T) {
	end := day(40)
	n := newNet(end).
		consultant("A", PlanAffiliate, "root", "root", LegLeft, day(1)).
		consultant("B", PlanAffiliate, "root", "root", LegRight, day(1)).
		consultant("C", PlanAffiliate, "root", "A", LegLeft, day(1))
	n.activation("old", "A", "60", "0", "0", end.AddDate(0, 0, -29))  // outside the 28-day window
	n.activation("edge", "B", "50", "0", "0", end.AddDate(0, 0, -28)) // first instant of the window
	n.activation("later", "C", "50", "0", "0", end)                   // at end: next period
	n.activation("void", "C", "100", "0", "0", end.AddDate(0, 0, -1)) // voided below
	n.in.Cancellations = []Cancellation{{ID: "can", Activation: "void", OccurredAt: end.AddDate(0, 0, -1)}}
	res := run(t, n)
	if memberOf(t, res, "A").Active {
		t.Error("A: PV outside the window must not count")
	}
	if !memberOf(t, res, "B").Active {
		t.Error("B: PV at end-28d counts")
	}
	if memberOf(t, res, "C").Active {
		t.Error("C: a voided sale and a sale at end never count")
	}
	if len(res.VoidedActivations) != 1 || res.VoidedActivations[0] != "void" {
		t.Errorf("voided: %v", res.VoidedActivations)
	}
	for _, id := range res.AccountedSales {
		if id == "void" || id == "later" {
			t.Errorf("%s must not be accounted", id)
		}
	}
	// A voided activation adds no volume: root's left leg holds A's and C's volume only.
	if got := memberOf(t, res, "root").NewLeft; got != mustU("60") {
		t.Errorf("root new left = %s, want 60 (old activation only)", got)
	}
}

func TestAccountedSaleStillCountsForActivityButNotVolume(t *testing.T) {
	end := day(14)
	n := newNet(end).consultant("A", PlanAffiliate, "root", "root", LegLeft, day(1))
	n.activation("a1", "A", "50", "0", "0", day(6))
	n.in.Sales[len(n.in.Sales)-1].Accounted = true
	n.in.Start = day(7)
	n.in.Prev = []State{{Member: "root", Rank: "none", LifetimeLeft: mustU("50")}}
	res := run(t, n)
	if !memberOf(t, res, "A").Active {
		t.Error("a sale accounted by an earlier run still counts toward activity")
	}
	root := memberOf(t, res, "root")
	if root.NewLeft != 0 || root.LifetimeLeft != mustU("50") {
		t.Errorf("root: new left %s lifetime %s; an accounted sale must not add volume twice", root.NewLeft, root.LifetimeLeft)
	}
}

func TestBinaryQualificationNeedsActiveSponsoredInBothLegs(t *testing.T) {
	end := day(7)
	build := func(rightSponsor string) *Result {
		n := newNet(end).
			consultant("A", PlanConsultant, "root", "root", LegLeft, day(1)).
			consultant("B", PlanConsultant, rightSponsor, "root", LegRight, day(1))
		if rightSponsor == "A" {
			// B sits in root's right leg but A sponsored it: the placement parent must be the
			// sponsor or below it, so A places B under root only when root is below A — it is
			// not. Use a legal shape instead: B sponsored by A and placed under A.
			n.in.Members[2].Parent, n.in.Members[2].Leg = "A", LegLeft
		}
		return run(t, n)
	}
	res := build("root")
	if b := linesOf(res, "root", LineBinary); len(b) != 1 || b[0].Amount != mustU("6.00") {
		t.Fatalf("root binary = %v, want 6.00 (pair 50 × 12%%)", b)
	}
	d := linesOf(res, "root", LineBinary)[0].Basis.Detail
	if d.Left != mustU("50") || d.Right != mustU("50") || d.Pair != mustU("50") {
		t.Errorf("binary detail %+v", d)
	}
	res = build("A")
	if b := linesOf(res, "root", LineBinary); len(b) != 0 {
		t.Errorf("root has no sponsored active in its right leg: no binary, got %v", b)
	}
	if m := memberOf(t, res, "root"); m.CarryLeft != mustU("100") {
		t.Errorf("unqualified: everything carries, got %s", m.CarryLeft)
	}
}

func TestWeeklyCapFlushAndCarryCap(t *testing.T) {
	end := day(7)
	n := newNet(end).
		consultant("A", PlanConsultant, "root", "root", LegLeft, day(1)).
		consultant("B", PlanConsultant, "root", "root", LegRight, day(1)).
		prev("root", "none", "40000", "30000", "40000", "30000")
	res := run(t, n)
	b := linesOf(res, "root", LineBinary)
	if len(b) != 1 || b[0].Amount != mustU("2500.00") {
		t.Fatalf("binary %v, want the consultant_plus cap 2500", b)
	}
	if b[0].Basis.Detail.Flushed != mustU("1106.00") { // 30050 × 12% = 3606 − 2500
		t.Errorf("flushed %s", b[0].Basis.Detail.Flushed)
	}
	m := memberOf(t, res, "root")
	// L = 40050, R = 30050: pair 30050; left keeps 10000, right 0 (the pair's excess above the cap is flushed).
	if m.CarryLeft != mustU("10000") || m.CarryRight != 0 {
		t.Errorf("carry %s/%s", m.CarryLeft, m.CarryRight)
	}
	// Carry cap: an unqualified member with a huge leg keeps at most 25,000.
	n = newNet(end).consultant("A", PlanConsultant, "root", "root", LegLeft, day(1)).prev("root", "none", "24990", "0", "24990", "0")
	m = memberOf(t, run(t, n), "root")
	if m.CarryLeft != mustU("25000") || m.LifetimeLeft != mustU("25040") {
		t.Errorf("carry cap: carry %s lifetime %s", m.CarryLeft, m.LifetimeLeft)
	}
}

func TestRankJumpsPayEveryRankPassedAndNeverGoDown(t *testing.T) {
	end := day(7)
	n := newNet(end).
		consultant("A", PlanConsultant, "root", "root", LegLeft, day(1)).
		consultant("B", PlanConsultant, "root", "root", LegRight, day(1)).
		consultant("C", PlanConsultant, "root", "A", LegLeft, day(1)).
		consultant("D", PlanConsultant, "root", "B", LegRight, day(1)).
		prev("root", "none", "0", "0", "5000", "5000")
	res := run(t, n)
	ranks := linesOf(res, "root", LineRank)
	if len(ranks) != 3 || sum(ranks) != mustU("600") {
		t.Fatalf("4 sponsored actives and 5,100 lesser leg reach gold: bronze+silver+gold bonuses, got %v", ranks)
	}
	if memberOf(t, res, "root").Rank != "gold" {
		t.Error("rank gold expected")
	}
	// A later run: root's sponsored consultants are no longer active — the rank stays.
	n2 := newNet(day(70)).prev("root", "gold", "0", "0", "5100", "5100")
	n2.in.Members = n.in.Members
	res2 := run(t, n2)
	if m := memberOf(t, res2, "root"); m.Rank != "gold" || m.SponsoredActives != 0 {
		t.Errorf("ranks never go down: %+v", m)
	}
	if len(linesOf(res2, "root", LineRank)) != 0 {
		t.Error("no bonus for a rank already held")
	}
}

func TestRevenueShareCompressionAndGenerationDepthByPlan(t *testing.T) {
	end := day(7)
	// Sponsor chain root <- A(affiliate, 2 gens) <- B (inactive) <- C <- cust.
	n := newNet(end).
		consultant("A", PlanAffiliate, "root", "root", LegLeft, day(1)).
		consultant("B", PlanAffiliate, "A", "A", LegLeft, day(1)).
		consultant("C", PlanConsultant, "B", "B", LegLeft, day(1)).
		customer("cu", "C", day(2))
	n.activation("A-self", "A", "50", "0", "0", day(2)) // A active
	n.activation("act", "cu", "400", "1200", "300", day(3))
	res := run(t, n)
	// S = C. Walk from B: inactive, skipped. g1 = A (active, affiliate) 5% = 60; g2 = root 3% = 36.
	a := linesOf(res, "A", LineRevenueShare)
	if len(a) != 1 || a[0].Amount != mustU("60") || a[0].Generation != 1 || a[0].Basis.Skipped != 1 {
		t.Fatalf("A: %+v", a)
	}
	if got := res.Compressed(a[0]); len(got) != 1 || got[0] != "B" {
		t.Errorf("compressed: %v", got)
	}
	if r := linesOf(res, "root", LineRevenueShare); len(r) != 1 || r[0].Amount != mustU("36") || r[0].Generation != 2 {
		t.Errorf("root: %+v", r)
	}
	if c := linesOf(res, "C", LineRetail); len(c) != 1 || c[0].Amount != mustU("300") {
		t.Errorf("retail to S: %+v", c)
	}
	// An affiliate at the third compressed generation earns nothing, and the generation is used up.
	n = newNet(end).
		consultant("A", PlanConsultantPlus, "root", "root", LegLeft, day(1)).
		consultant("B", PlanConsultant, "A", "A", LegLeft, day(1)).
		consultant("X", PlanAffiliate, "B", "B", LegLeft, day(1)).
		consultant("C", PlanConsultant, "X", "X", LegLeft, day(1)).
		consultant("D", PlanConsultant, "C", "C", LegLeft, day(1)).
		customer("cu", "D", day(2))
	n.activation("x-pv", "X", "50", "0", "0", day(2))
	n.activation("act", "cu", "10", "100", "0", day(3))
	res = run(t, n)
	// Walk from D's sponsor C: g1 C 5, g2 X 3 (affiliate, 2 gens ok), g3 B 2, g4 A 2, g5 root 1.
	want := map[string]string{"C": "5.00", "X": "3.00", "B": "2.00", "A": "2.00", "root": "1.00"}
	for id, amt := range want {
		if l := linesOf(res, id, LineRevenueShare); len(l) != 1 || l[0].Amount != mustU(amt) {
			t.Errorf("%s: %+v want %s", id, l, amt)
		}
	}
	// Move the affiliate to generation 3: it earns nothing there.
	n.in.Members[5].Sponsor = "X" // D enrolled by X: C is no longer in the walk
	res = run(t, n)
	if l := linesOf(res, "X", LineRevenueShare); len(l) != 1 {
		t.Errorf("X at generation 1: %+v", l)
	}
}

func TestMatchingUsesSponsorGenerationsOfRank(t *testing.T) {
	end := day(7)
	n := newNet(end).
		consultant("A", PlanConsultantPlus, "root", "root", LegLeft, day(1)).
		consultant("B", PlanConsultant, "root", "root", LegRight, day(1)).
		consultant("C", PlanConsultant, "A", "A", LegLeft, day(1)).
		consultant("D", PlanConsultant, "A", "A", LegRight, day(1))
	n.activation("big", "C", "1000", "0", "0", day(2))
	n.prev("root", "silver", "0", "0", "0", "0")
	res := run(t, n)
	// A: L = 1050, R = 50 -> pair 50 × 12% = 6.00. root is silver (2 generations): 20% of 6.00.
	if b := linesOf(res, "A", LineBinary); len(b) != 1 || b[0].Amount != mustU("6") {
		t.Fatalf("A binary %+v", b)
	}
	m := linesOf(res, "root", LineMatching)
	if len(m) != 1 || m[0].Amount != mustU("1.20") || m[0].Source != "A" || m[0].Generation != 1 {
		t.Errorf("matching %+v", m)
	}
}

func TestPoolSplitsRoundedDownAmongActiveShareholders(t *testing.T) {
	end := day(7)
	n := newNet(end).
		consultant("A", PlanConsultant, "root", "root", LegLeft, day(1)).
		consultant("B", PlanConsultant, "root", "root", LegRight, day(1)).
		prev("root", "platinum", "0", "0", "0", "0").
		prev("A", "gold", "0", "0", "0", "0").
		prev("B", "gold", "0", "0", "0", "0")
	n.activation("odd", "A", "0.33", "0", "0", day(2))
	res := run(t, n)
	// Sales BV 150+50+50+0.33 = 250.33; pool 5.0066; 4 shares -> 1.25 a share.
	if p := linesOf(res, "root", LinePool); len(p) != 1 || p[0].Amount != mustU("2.50") {
		t.Errorf("root pool %+v", p)
	}
	if p := linesOf(res, "A", LinePool); len(p) != 1 || p[0].Amount != mustU("1.25") || p[0].Basis.Detail.TotalShares != 4 {
		t.Errorf("A pool %+v", p)
	}
}

func TestClawbackMirrorsPaidLinesAndLeavesVolume(t *testing.T) {
	end := day(14)
	n := newNet(end).consultant("A", PlanConsultant, "root", "root", LegLeft, day(1))
	n.in.Start = day(7)
	for i := range n.in.Sales {
		n.in.Sales[i].Accounted = true
	}
	n.in.Cancellations = []Cancellation{{ID: "can", Activation: "act", OccurredAt: day(9), ActivationAccounted: true, Vendor: "v",
		Paid: []PaidLine{{ID: "l1", Member: "A", Type: LineRetail, Amount: mustU("300")}, {ID: "l2", Member: "root", Type: LineRevenueShare, Amount: mustU("60"), Generation: 1}}}}
	res := run(t, n)
	if len(res.Clawed) != 1 || len(res.Voided) != 0 {
		t.Fatalf("clawed %v voided %v", res.Clawed, res.Voided)
	}
	r := linesOf(res, "A", LineRetail)
	if len(r) != 1 || r[0].Amount != -mustU("300") || r[0].ReversalOf != "l1" || r[0].Source != "act" {
		t.Errorf("retail reversal %+v", r)
	}
	s := linesOf(res, "root", LineRevenueShare)
	if len(s) != 1 || s[0].Amount != -mustU("60") || s[0].Generation != 1 || s[0].ReversalOf != "l2" {
		t.Errorf("rs reversal %+v", s)
	}
	if res.Totals.ByVendor["v"] != -mustU("360") {
		t.Errorf("clawbacks count under the activation's vendor: %v", res.Totals.ByVendor)
	}
}

func TestDirectUsesSponsorPlanAsOfEndAndNoActivity(t *testing.T) {
	end := day(60) // nobody active: packs are older than the window
	n := newNet(end).consultant("A", PlanAffiliate, "root", "root", LegLeft, day(1)).
		consultant("B", PlanConsultantPlus, "A", "A", LegLeft, day(2))
	n.in.Members[1].Plan = PlanConsultant // A upgraded before the end: its plan as of end
	res := run(t, n)
	d := linesOf(res, "A", LineDirect)
	if len(d) != 1 || d[0].Amount != mustU("29.90") || d[0].Source != "pack:B" {
		t.Errorf("direct %+v", d)
	}
	if len(linesOf(res, "root", LineDirect)) != 0 {
		t.Error("root: A's plan is affiliate at registration here: the pack sale is free")
	}
}

func TestCutoverSalesCountForActivityOnly(t *testing.T) {
	end := day(14)
	n := newNet(end).consultant("A", PlanAffiliate, "root", "root", LegLeft, day(1))
	n.in.Cutover = day(10)
	n.activation("replayed", "A", "50", "100", "10", day(9))
	res := run(t, n)
	if !memberOf(t, res, "A").Active {
		t.Error("a pre-cutover sale counts toward activity")
	}
	for _, l := range res.Lines() {
		if l.Source == "replayed" || l.Source == "pack:root" && l.Type == LineDirect {
			t.Errorf("pre-cutover sale paid: %+v", l)
		}
	}
	if memberOf(t, res, "root").NewLeft != 0 {
		t.Error("a pre-cutover sale adds no volume")
	}
}

func TestBadSnapshotsAreErrorsNamingTheMember(t *testing.T) {
	cases := map[string]func(n *net){
		"sponsor X does not exist": func(n *net) {
			n.in.Members = append(n.in.Members, Member{ID: "A", Plan: PlanAffiliate, Sponsor: "X", Parent: "root", Leg: LegLeft, RegisteredAt: day(1)})
		},
		"slot of root is taken": func(n *net) {
			n.consultant("A", PlanAffiliate, "root", "root", LegLeft, day(1)).consultant("B", PlanAffiliate, "root", "root", LegLeft, day(1))
		},
		"customers are not placed": func(n *net) {
			n.in.Members = append(n.in.Members, Member{ID: "c", Plan: PlanCustomer, Sponsor: "root", Parent: "root", Leg: LegLeft, RegisteredAt: day(1)})
		},
		"off the plan's cadence": func(n *net) { n.in.Start = day(1) },
	}
	for want, mutate := range cases {
		n := newNet(day(7))
		mutate(n)
		_, err := Run(n.in)
		var ie *InputError
		if err == nil || (!strings.Contains(err.Error(), want)) || (!errors.As(err, &ie)) {
			t.Errorf("want error containing %q, got %v", want, err)
		}
	}
}

func TestConfigValidation(t *testing.T) {
	_, err := ParseConfig([]byte("plans:\n  consultant_plus:\n    binary_percent: \"1.5\"\n"))
	if err == nil || !strings.Contains(err.Error(), "binary percent for consultant_plus must be between 0 and 1") {
		t.Errorf("got %v", err)
	}
	if _, err := ParseConfig([]byte("carry_cap: \"abc\"\n")); err == nil || !strings.Contains(err.Error(), "carry_cap") {
		t.Errorf("got %v", err)
	}
	if _, err := ParseConfig([]byte("unknown_field: 1\n")); err == nil {
		t.Error("unknown fields are rejected")
	}
	c, err := ParseConfig([]byte(`{"carry_cap": "30000", "activity_window_days": 14}`))
	if err != nil || c.CarryCap != mustU("30000") || c.ActivityWindowDays != 14 || c.Plans[PlanConsultant].Price != mustU("99") {
		t.Errorf("overlay: %v %+v", err, c)
	}
}
