package engine_test

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/halo-oss/halo/engine"
	"github.com/halo-oss/halo/engine/gen"
)

// sameRun fails t unless two results have the same members, totals and sums.
func sameRun(t *testing.T, what string, want, got *engine.Result) {
	t.Helper()
	if !reflect.DeepEqual(want.Totals, got.Totals) {
		t.Fatalf("%s: totals %+v, want %+v", what, got.Totals, want.Totals)
	}
	if !reflect.DeepEqual(want.Members, got.Members) {
		for i := range want.Members {
			if i < len(got.Members) && !reflect.DeepEqual(want.Members[i], got.Members[i]) {
				t.Fatalf("%s: member %+v, want %+v", what, got.Members[i], want.Members[i])
			}
		}
		t.Fatalf("%s: %d members, want %d", what, len(got.Members), len(want.Members))
	}
	collect := func(res *engine.Result) map[string][8]engine.Units {
		out := map[string][8]engine.Units{}
		res.SumsByMember(func(m string, s *[8]engine.Units) { out[m] = *s })
		return out
	}
	if w, g := collect(want), collect(got); !reflect.DeepEqual(w, g) {
		t.Fatalf("%s: sums of %d members, want %d", what, len(g), len(w))
	}
}

// runBoth runs in, sums only, without a memo and then with memo, fails t unless both give the
// same, and returns the first.
func runBoth(t *testing.T, what string, in engine.Input, memo *engine.SalesMemo) *engine.Result {
	t.Helper()
	in.SumsOnly, in.Memo = true, nil
	want, err := engine.Run(in)
	if err != nil {
		t.Fatal(err)
	}
	in.Memo = memo
	got, err := engine.Run(in)
	if err != nil {
		t.Fatal(err)
	}
	sameRun(t, what, want, got)
	return want
}

// A sums-only run that carries a memo from the run before it (the projection's updates) gives
// what a run over the whole input gives, at every step of an open period that grows as the
// projection's kept snapshot does: sales arriving in any id order, members joining at the end
// (their sales waiting for them until then), activations cancelled after the memo counted them,
// held ones, shares that round to nothing, hints given or not, and suspensions and terminations that move who is paid the
// totals the memo kept (§3, §6, §9, §10).
func TestMemoRunEqualsAFreshRun(t *testing.T) {
	for seed := uint64(1); seed <= 10; seed++ {
		spec := gen.Spec{Seed: seed, Consultants: 300, Customers: 300, Sales: 3000, ChainDepth: 20}
		if seed > 8 { // past one pass of the radix sort
			spec = gen.Spec{Seed: seed, Consultants: 6000, Customers: 3000, Sales: 30000, ChainDepth: 200}
		}
		nw := gen.Build(spec)
		all := nw.Input
		rng := rand.New(rand.NewPCG(seed, 11))

		// A third of the customers join late, appended after the others.
		var early, late []engine.Member
		for _, m := range all.Members {
			if m.Plan == engine.PlanCustomer && rng.IntN(3) == 0 {
				late = append(late, m)
			} else {
				early = append(early, m)
			}
		}
		members := append(early, late...)
		// Sales arrive in random order after a first load in id order; some are held (§9).
		sales := slices.Clone(all.Sales)
		first := len(sales) / 3
		rng.Shuffle(len(sales)-first, func(i, j int) { sales[first+i], sales[first+j] = sales[first+j], sales[first+i] })
		for i := range sales {
			if sales[i].Kind == engine.SaleActivation && rng.IntN(15) == 0 {
				sales[i].HoldDays = 1 + rng.IntN(30)
			}
			if sales[i].Kind == engine.SaleActivation && rng.IntN(10) == 0 {
				sales[i].CV = engine.Units(1 + rng.IntN(60)) // a share that may round to nothing
			}
		}

		var memo engine.SalesMemo
		var cancels []engine.Cancellation
		in := all
		const steps = 6
		for step := 0; step <= steps; step++ {
			ns := first + (len(sales)-first)*step/steps
			in.Sales = sales[:ns]
			in.Members = early
			if step >= 3 {
				in.Members = members[:len(early)+len(late)*(step-2)/(steps-2)]
			}
			// Cancellations of activations counted already, and of ones still to come.
			for k := 0; k < 20; k++ {
				sl := sales[rng.IntN(len(sales))]
				if sl.Kind == engine.SaleActivation && !sl.Accounted {
					cancels = append(cancels, engine.Cancellation{ID: fmt.Sprintf("cx-%d-%d", step, k), Activation: sl.ID,
						OccurredAt: all.End.Add(-time.Minute), Vendor: sl.Vendor})
				}
			}
			in.Cancellations = slices.Clone(cancels)
			if step == 2 { // hints from here on, as the projection gives them
				at := map[string]int32{}
				for i, m := range members {
					at[m.ID] = int32(i) + 1
				}
				for i := range sales {
					sales[i].MemberAt = at[sales[i].Member]
				}
			}
			if step == 4 { // the totals kept go to other consultants now (§10)
				for i, m := range all.Members {
					if m.Plan.IsConsultant() && m.Sponsor != "" && i%7 == int(seed)%7 {
						st := engine.StatusTerminated
						if i%2 == 0 {
							st = engine.StatusSuspended
						}
						in.StatusEvents = append(slices.Clone(in.StatusEvents), engine.StatusEvent{Member: m.ID, Status: st, At: all.End.Add(-time.Hour), Seq: int64(i)})
					}
				}
			}
			want := runBoth(t, fmt.Sprintf("seed %d, step %d (%d sales, %d members)", seed, step, ns, len(in.Members)), in, &memo)
			if step == steps && want.Totals.ByType[engine.LineRevenueShare.String()] == 0 {
				t.Fatalf("seed %d: no revenue share to compare", seed)
			}
		}
	}
}

// A memo given an input it does not describe (another period, other sales, a run refused)
// starts again from the whole input rather than add to totals that are not that input's.
func TestMemoStartsAgainOnAnotherInput(t *testing.T) {
	a := gen.Build(gen.Spec{Seed: 21, Consultants: 300, Customers: 300, Sales: 3000, ChainDepth: 20}).Input
	b := gen.Build(gen.Spec{Seed: 22, Consultants: 300, Customers: 300, Sales: 3000, ChainDepth: 20}).Input
	var memo engine.SalesMemo
	run := func(what string, in engine.Input) {
		t.Helper()
		runBoth(t, what, in, &memo)
	}
	run("a", a)
	run("b after a", b)
	shorter := b
	shorter.Sales = b.Sales[:len(b.Sales)/2]
	run("fewer sales than the memo covered", shorter)
	run("b again", b)
	next := b
	next.Start, next.End = b.End, b.End.AddDate(0, 0, 7)
	run("the next period", next)

	// Another sale under the id of a covered one is refused, as without a memo, and the memo
	// does not keep what the refused run began.
	dup := b
	dup.Sales = append(slices.Clone(b.Sales), b.Sales[len(b.Sales)/2])
	dup.SumsOnly, dup.Memo = true, &memo
	run("b", b)
	if _, err := engine.Run(dup); err == nil || !strings.Contains(err.Error(), "listed twice") {
		t.Fatalf("a sale listed twice: %v", err)
	}
	run("b after a refused run", b)
	// So does a run refused half way through the new sales.
	run("half of b", shorter)
	bad := b
	cust := ""
	for _, m := range b.Members {
		if m.Plan == engine.PlanCustomer {
			cust = m.ID
		}
	}
	bad.Sales = append(slices.Clone(b.Sales), engine.Sale{ID: "zz-pack", Kind: engine.SalePack, Member: cust, OccurredAt: b.End.Add(-time.Hour), Price: 100, BV: 100})
	bad.SumsOnly, bad.Memo = true, &memo
	if _, err := engine.Run(bad); err == nil || !strings.Contains(err.Error(), "not a consultant") {
		t.Fatalf("a customer's pack: %v", err)
	}
	run("b after a run refused at its last sale", b)
	// An earlier end leaves out what the memo counted before it.
	earlier := b
	earlier.Start, earlier.End = b.Start.Add(-72*time.Hour), b.End.Add(-72*time.Hour)
	run("an earlier end", earlier)
	// A voided sale that comes back (the cancellation gone) is counted again.
	c := b
	c.Cancellations = []engine.Cancellation{{ID: "cx-1", Activation: b.Sales[7].ID, OccurredAt: b.End.Add(-time.Hour)}}
	if b.Sales[7].Kind != engine.SaleActivation || b.Sales[7].Accounted {
		t.Fatalf("sale 7 is %+v", b.Sales[7])
	}
	run("b with a cancellation", c)
	run("b without it", b)
}

// Before the first commit the open period ends now, so each update's end is later than the
// last: a memo follows it, counting activations as their occurred_at and their hold (§9) pass
// and as they leave the activity window (§5), and gives what a run over the whole input gives.
func TestMemoFollowsALaterEnd(t *testing.T) {
	for seed := uint64(31); seed <= 34; seed++ {
		nw := gen.Build(gen.Spec{Seed: seed, Consultants: 300, Customers: 300, Sales: 3000, ChainDepth: 20})
		all := nw.Input
		rng := rand.New(rand.NewPCG(seed, 5))
		sales := slices.Clone(all.Sales)
		for i := range sales {
			if sales[i].Kind == engine.SaleActivation && rng.IntN(8) == 0 {
				sales[i].HoldDays = 1 + rng.IntN(10)
			}
		}
		var memo engine.SalesMemo
		in := all
		in.Start = time.Time{}
		end := all.End.Add(-5 * 24 * time.Hour) // some sales are still ahead
		steps := 0
		for ; end.Before(all.End.AddDate(0, 0, 40)); end = end.Add(time.Duration(1+rng.IntN(72)) * time.Hour) {
			in.End = end
			in.Sales = sales[:min(len(sales), len(sales)/2+steps*100)]
			if steps == 10 {
				in.Cancellations = []engine.Cancellation{{ID: "cx", Activation: sales[3].ID, OccurredAt: end.Add(-time.Minute)}}
			}
			runBoth(t, fmt.Sprintf("seed %d, end %s", seed, end.Format(time.RFC3339)), in, &memo)
			steps++
		}
		if steps < 20 {
			t.Fatalf("seed %d: %d steps", seed, steps)
		}
	}
}
