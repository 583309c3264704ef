package engine_test

import (
	"encoding/json"
	"math/rand/v2"
	"reflect"
	"testing"

	"github.com/halo-oss/halo/engine"
	"github.com/halo-oss/halo/engine/gen"
)

func small(seed uint64) *gen.Network {
	return gen.Build(gen.Spec{Seed: seed, Consultants: 300, Customers: 200, Sales: 900, ChainDepth: 40, NewShare: 30})
}

// Volume is conserved: what entered the tree at S reaches every placement ancestor of S on the
// leg that contains S, and lifetime legs grow by exactly that (PLAN.md §3, §4 step 1).
func TestPropertyVolumeConservation(t *testing.T) {
	for seed := uint64(1); seed <= 20; seed++ {
		nw := small(seed)
		res, err := engine.Run(nw.Input)
		if err != nil {
			t.Fatal(err)
		}
		idx := map[string]int{}
		for i, m := range nw.Input.Members {
			idx[m.ID] = i
		}
		voided := map[string]bool{}
		for _, id := range res.VoidedActivations {
			voided[id] = true
		}
		wantL, wantR := map[string]engine.Units{}, map[string]engine.Units{}
		accounted := map[string]bool{}
		for _, id := range res.AccountedSales {
			accounted[id] = true
		}
		var entered engine.Units
		for _, s := range nw.Input.Sales {
			if !accounted[s.ID] {
				continue
			}
			m := nw.Input.Members[idx[s.Member]]
			at := m.ID
			if !m.Plan.IsConsultant() {
				at = m.Sponsor
			}
			entered += s.BV
			// Naive walk to the root, the reference the engine's one-pass aggregation must match.
			for v := at; ; {
				mv := nw.Input.Members[idx[v]]
				if mv.Parent == "" {
					break
				}
				if mv.Leg == engine.LegLeft {
					wantL[mv.Parent] += s.BV
				} else {
					wantR[mv.Parent] += s.BV
				}
				v = mv.Parent
			}
		}
		prev := map[string]engine.State{}
		for _, p := range nw.Input.Prev {
			prev[p.Member] = p
		}
		for _, m := range res.Members {
			if m.NewLeft != wantL[m.Member] || m.NewRight != wantR[m.Member] {
				t.Fatalf("seed %d %s: new legs %s/%s, want %s/%s", seed, m.Member, m.NewLeft, m.NewRight, wantL[m.Member], wantR[m.Member])
			}
			p := prev[m.Member]
			if m.LifetimeLeft-p.LifetimeLeft != m.NewLeft || m.LifetimeRight-p.LifetimeRight != m.NewRight {
				t.Fatalf("seed %d %s: lifetime grew by other than the new volume", seed, m.Member)
			}
			if m.Member == "root" {
				var rootPV engine.Units
				for _, s := range nw.Input.Sales {
					m := nw.Input.Members[idx[s.Member]]
					if accounted[s.ID] && (s.Member == "root" || !m.Plan.IsConsultant() && m.Sponsor == "root") {
						rootPV += s.BV
					}
				}
				if m.NewLeft+m.NewRight+rootPV != entered {
					t.Fatalf("seed %d: root legs + own volume %s != entered %s", seed, m.NewLeft+m.NewRight+rootPV, entered)
				}
			}
		}
		if res.Totals.SalesBV != entered {
			t.Fatalf("seed %d: sales BV %s, entered %s", seed, res.Totals.SalesBV, entered)
		}
	}
}

// Carry is never negative nor above the cap; binary never above the plan's weekly cap.
func TestPropertyCapsHold(t *testing.T) {
	cfg := engine.DefaultConfig()
	for seed := uint64(1); seed <= 20; seed++ {
		nw := small(seed)
		res, err := engine.Run(nw.Input)
		if err != nil {
			t.Fatal(err)
		}
		plan := map[string]engine.Plan{}
		for _, m := range res.Members {
			plan[m.Member] = m.Plan
			if m.CarryLeft < 0 || m.CarryRight < 0 || m.CarryLeft > cfg.CarryCap || m.CarryRight > cfg.CarryCap {
				t.Fatalf("seed %d %s: carry %s/%s", seed, m.Member, m.CarryLeft, m.CarryRight)
			}
		}
		for _, l := range res.Lines() {
			if l.Type == engine.LineBinary && (l.Amount <= 0 || l.Amount > cfg.Rule(plan[l.Member]).WeeklyCap) {
				t.Fatalf("seed %d: binary line %+v above cap", seed, l)
			}
			if l.Type == engine.LinePool && l.Amount < 0 {
				t.Fatalf("negative pool line")
			}
		}
	}
}

// Clawbacks exactly mirror the reversed lines: cancel activations a committed run paid and the
// next run reverses every retail and revenue-share line of theirs, nothing else.
func TestPropertyClawbacksMirrorPaidLines(t *testing.T) {
	for seed := uint64(1); seed <= 10; seed++ {
		nw := small(seed)
		in := nw.Input
		res1, err := engine.Run(in)
		if err != nil {
			t.Fatal(err)
		}
		rng := rand.New(rand.NewPCG(seed, 7))
		paid := map[string][]engine.PaidLine{}
		for i, l := range res1.Lines() {
			if (l.Type == engine.LineRetail || l.Type == engine.LineRevenueShare) && l.ReversalOf == "" {
				paid[l.Source] = append(paid[l.Source], engine.PaidLine{ID: "L" + itoa(i), Member: l.Member, Type: l.Type, Amount: l.Amount, Generation: l.Generation})
			}
		}
		accounted := map[string]bool{}
		for _, id := range res1.AccountedSales {
			accounted[id] = true
		}
		in2 := in
		in2.Start, in2.End = in.End, in.End.AddDate(0, 0, 7)
		in2.Sales = nil
		for _, s := range in.Sales {
			s.Accounted = s.Accounted || accounted[s.ID]
			in2.Sales = append(in2.Sales, s)
		}
		in2.Prev = nil
		for _, m := range res1.Members {
			in2.Prev = append(in2.Prev, m.State)
		}
		want := map[string]engine.Units{}
		for act, ls := range paid {
			if rng.IntN(3) != 0 {
				continue
			}
			in2.Cancellations = append(in2.Cancellations, engine.Cancellation{ID: "can-" + act, Activation: act, OccurredAt: in.End, ActivationAccounted: true, Paid: ls})
			for _, l := range ls {
				want[l.ID] = -l.Amount
			}
		}
		res2, err := engine.Run(in2)
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]engine.Units{}
		for _, l := range res2.Lines() {
			if l.ReversalOf != "" {
				got[l.ReversalOf] += l.Amount
			} else if l.Type == engine.LineRetail || l.Type == engine.LineRevenueShare {
				t.Fatalf("seed %d: run 2 paid a non-reversal %s line %+v though it accounts no activation", seed, l.Type, l)
			}
		}
		if len(got) != len(want) {
			t.Fatalf("seed %d: %d reversals, want %d", seed, len(got), len(want))
		}
		for id, amt := range want {
			if got[id] != amt {
				t.Fatalf("seed %d: reversal of %s = %s, want %s", seed, id, got[id], amt)
			}
		}
		// The projection's sums-only run counts the reversals as the lines do.
		in2.SumsOnly = true
		sums, err := engine.Run(in2)
		if err != nil {
			t.Fatal(err)
		}
		bySum := map[string][8]engine.Units{}
		sums.SumsByMember(func(m string, s *[8]engine.Units) { bySum[m] = *s })
		byLine := map[string][8]engine.Units{}
		res2.SumsByMember(func(m string, s *[8]engine.Units) { byLine[m] = *s })
		if !reflect.DeepEqual(bySum, byLine) || !reflect.DeepEqual(sums.Totals, res2.Totals) {
			t.Fatalf("seed %d: the sums-only run differs from the lines (totals %+v, want %+v)", seed, sums.Totals, res2.Totals)
		}
	}
}

// Same input, any order: byte-identical output.
func TestPropertyDeterministicWhateverTheOrder(t *testing.T) {
	for seed := uint64(1); seed <= 5; seed++ {
		nw := small(seed)
		a, err := engine.Run(nw.Input)
		if err != nil {
			t.Fatal(err)
		}
		in := nw.Input
		rng := rand.New(rand.NewPCG(seed, 99))
		in.Members = append([]engine.Member(nil), in.Members...)
		in.Sales = append([]engine.Sale(nil), in.Sales...)
		in.Prev = append([]engine.State(nil), in.Prev...)
		rng.Shuffle(len(in.Members), func(i, j int) { in.Members[i], in.Members[j] = in.Members[j], in.Members[i] })
		rng.Shuffle(len(in.Sales), func(i, j int) { in.Sales[i], in.Sales[j] = in.Sales[j], in.Sales[i] })
		rng.Shuffle(len(in.Prev), func(i, j int) { in.Prev[i], in.Prev[j] = in.Prev[j], in.Prev[i] })
		b, err := engine.Run(in)
		if err != nil {
			t.Fatal(err)
		}
		ja, _ := json.Marshal([]any{collect(a), a.Members, a.Totals, a.AccountedSales})
		jb, _ := json.Marshal([]any{collect(b), b.Members, b.Totals, b.AccountedSales})
		if string(ja) != string(jb) {
			t.Fatalf("seed %d: output depends on input order", seed)
		}
		if a.Len() == 0 {
			t.Fatal("a generated network must pay something")
		}
	}
}

// A placement chain 100,000 deep neither recurses nor slows the run down.
func TestDeepChainIsLinear(t *testing.T) {
	nw := gen.Build(gen.Spec{Seed: 3, Consultants: 120_000, Customers: 1000, Sales: 5000, ChainDepth: 100_000})
	res, err := engine.Run(nw.Input)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Members) != 120_000 {
		t.Fatalf("members %d", len(res.Members))
	}
}

func itoa(i int) string {
	b, _ := json.Marshal(i)
	return string(b)
}

func collect(r *engine.Result) []engine.Line {
	var out []engine.Line
	for _, l := range r.Lines() {
		out = append(out, l)
	}
	return out
}

// CompressedAt(i), which a draft's statements use for millions of lines, names the same skipped
// members as Compressed(Line(i)), which finds the line's sale and earner by id.
func TestPropertyCompressedAtMatchesCompressed(t *testing.T) {
	skipped := 0
	for seed := uint64(1); seed <= 20; seed++ {
		nw := small(seed)
		res, err := engine.Run(nw.Input)
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; i < res.Len(); i++ {
			l := res.Line(i)
			want, got := res.Compressed(l), res.CompressedAt(i)
			if !reflect.DeepEqual(want, got) {
				t.Fatalf("seed %d, line %d (%s of %s for %s, %d skipped): CompressedAt %v, Compressed %v", seed, i, l.Type, l.Amount, l.Source, l.Basis.Skipped, got, want)
			}
			if len(got) > 0 {
				skipped++
			}
		}
	}
	if skipped == 0 {
		t.Fatal("no line skipped an inactive member: the networks do not test compression")
	}
}
