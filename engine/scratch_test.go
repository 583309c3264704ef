package engine_test

import (
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/halo-oss/halo/engine"
	"github.com/halo-oss/halo/engine/gen"
)

// Runs that share one Scratch give exactly what runs without one give, whatever ran before
// with it: networks growing and shrinking, sums only and with lines, suspensions at work, the
// scratch freed once on the way. A result stays whole after later runs reuse the scratch.
func TestScratchChangesNoResult(t *testing.T) {
	for _, reuse := range []bool{false, true} {
		t.Run(map[bool]string{false: "working arrays", true: "and results"}[reuse], func(t *testing.T) { scratchRuns(t, reuse) })
	}
}

// scratchRuns is TestScratchChangesNoResult with or without Scratch.ReuseResults: with it, an
// earlier result's members are the later run's, and only its lines and totals stay.
func scratchRuns(t *testing.T, reuse bool) {
	scr := engine.Scratch{ReuseResults: reuse}
	type kept struct {
		res   *engine.Result
		lines []engine.Line
		want  *engine.Result
	}
	var earlier []kept
	sizes := []int{300, 40, 500, 120, 500, 10, 260}
	for k, n := range sizes {
		seed := uint64(k + 1)
		nw := gen.Build(gen.Spec{Seed: seed, Consultants: n, Customers: n, Sales: 6 * n, ChainDepth: 20})
		in := nw.Input
		if k%2 == 1 {
			at := in.End.Add(-time.Hour)
			for i, m := range in.Members {
				if m.Plan.IsConsultant() && m.Sponsor != "" && i%7 == 3 {
					in.StatusEvents = append(in.StatusEvents, engine.StatusEvent{Member: m.ID, Status: engine.StatusSuspended, At: at, Seq: int64(i)})
				}
			}
		}
		// Cancellations void activations (§6): other ones at every run, so a set of voided
		// sales left over from the run before would change this one's totals.
		for i, sl := range in.Sales {
			if sl.Kind == engine.SaleActivation && i%9 == k%9 && sl.OccurredAt.Before(in.End) {
				in.Cancellations = append(in.Cancellations, engine.Cancellation{ID: fmt.Sprintf("cx-%d-%d", k, i),
					Activation: sl.ID, OccurredAt: in.End.Add(-time.Minute), Vendor: sl.Vendor})
			}
		}
		in.SumsOnly = k%3 == 2
		want, err := engine.Run(in)
		if err != nil {
			t.Fatal(err)
		}
		if k == 4 {
			scr.Free() // and it serves again after
		}
		in.Scratch = &scr
		got, err := engine.Run(in)
		if err != nil {
			t.Fatal(err)
		}
		sameResult(t, k, got, want)
		if len(want.Voided) == 0 {
			t.Fatalf("run %d: no cancellation voided an activation", k)
		}
		earlier = append(earlier, kept{got, collect(got), want})
	}
	for k, e := range earlier {
		if reuse {
			if !reflect.DeepEqual(e.res.Totals, e.want.Totals) {
				t.Errorf("run %d: its totals changed after later runs used the scratch", k)
			}
		} else {
			sameResult(t, k, e.res, e.want)
		}
		if !reflect.DeepEqual(collect(e.res), e.lines) {
			t.Errorf("run %d: its lines changed after later runs used the scratch", k)
		}
	}
}

func sameResult(t *testing.T, k int, got, want *engine.Result) {
	t.Helper()
	if !reflect.DeepEqual(got.Members, want.Members) {
		t.Errorf("run %d: members differ with a scratch", k)
	}
	if !reflect.DeepEqual(got.Totals, want.Totals) || !reflect.DeepEqual(got.AccountedSales, want.AccountedSales) {
		t.Errorf("run %d: totals or accounted sales differ with a scratch: %+v, want %+v", k, got.Totals, want.Totals)
	}
	if !reflect.DeepEqual(collect(got), collect(want)) {
		t.Errorf("run %d: lines differ with a scratch", k)
	}
	if !reflect.DeepEqual(got.Voided, want.Voided) || !reflect.DeepEqual(got.VoidedActivations, want.VoidedActivations) {
		t.Errorf("run %d: voided %d cancellations of %d activations with a scratch, want %d of %d", k,
			len(got.Voided), len(got.VoidedActivations), len(want.Voided), len(want.VoidedActivations))
	}
	sums := func(r *engine.Result) map[string][8]engine.Units {
		m := map[string][8]engine.Units{}
		r.SumsByMember(func(id string, s *[8]engine.Units) { m[id] = *s })
		return m
	}
	if !reflect.DeepEqual(sums(got), sums(want)) {
		t.Errorf("run %d: sums differ with a scratch", k)
	}
	if len(want.Members) == 0 || want.Totals.Total == 0 {
		t.Fatalf("run %d: an empty run proves nothing", k)
	}
}

// A scratch in use by another run is not shared: the second run works on its own.
func TestScratchInUseIsNotShared(t *testing.T) {
	var scr engine.Scratch
	nw := gen.Build(gen.Spec{Seed: 3, Consultants: 400, Customers: 400, Sales: 3000, ChainDepth: 20})
	want, err := engine.Run(nw.Input)
	if err != nil {
		t.Fatal(err)
	}
	in := nw.Input
	in.Scratch = &scr
	done := make(chan *engine.Result, 8)
	for range 8 {
		go func() {
			res, err := engine.Run(in)
			if err != nil {
				t.Error(err)
			}
			done <- res
		}()
	}
	for range 8 {
		if got := <-done; got != nil {
			sameResult(t, 0, got, want)
		}
	}
}

// Within every pass of a step over the members, the sales or the sums, Between is called every
// so many elements too (issue #19: at 1M consultants the projection's engine held a core for
// 30–240 ms a step while dashboards waited on Neo4j); resting there changes no sum, with the
// memo or without.
func TestBetweenWithinEveryPassChangesNoResult(t *testing.T) {
	defer engine.SetPauseEvery(16)()
	const members = 700
	nw := gen.Build(gen.Spec{Seed: 11, Consultants: 400, Customers: members - 400, Sales: 2400, ChainDepth: 20})
	in := nw.Input
	in.SumsOnly = true
	want, err := engine.Run(in)
	if err != nil {
		t.Fatal(err)
	}
	for _, memo := range []bool{false, true} {
		run := in
		if memo {
			run.Memo = &engine.SalesMemo{}
		}
		calls := 0
		run.Between = func() { calls++; time.Sleep(100 * time.Microsecond) }
		got, err := engine.Run(run)
		if err != nil {
			t.Fatal(err)
		}
		// 19 between the steps, and one every 16 elements of each pass: the members' alone are
		// passed over more than 20 times (indexed, ordered, checked, volume, activity, rank …).
		if want := 19 + 20*members/16; calls < want {
			t.Errorf("memo %v: Between called %d times, want at least %d (the 19 steps' and one every 16 members of 20 passes)", memo, calls, want)
		}
		t.Logf("memo %v: Between called %d times", memo, calls)
		sameResult(t, 0, got, want)
	}
}

// Between is called between the run's steps, and a run that rests there gives what a run
// without it gives, lines and sums alike.
func TestBetweenStepsChangesNoResult(t *testing.T) {
	for _, sumsOnly := range []bool{false, true} {
		nw := gen.Build(gen.Spec{Seed: 7, Consultants: 400, Customers: 300, Sales: 2400, ChainDepth: 20})
		in := nw.Input
		in.SumsOnly = sumsOnly
		want, err := engine.Run(in)
		if err != nil {
			t.Fatal(err)
		}
		calls := 0
		in.Between = func() { calls++; time.Sleep(time.Millisecond) }
		got, err := engine.Run(in)
		if err != nil {
			t.Fatal(err)
		}
		// Nine preparations, nine steps, the clawbacks (PLAN.md §4, steps 1–10).
		if calls != 19 {
			t.Errorf("sums only %v: Between called %d times, want once after each of the 19 steps", sumsOnly, calls)
		}
		sameResult(t, 0, got, want)
		if !reflect.DeepEqual(collect(got), collect(want)) {
			t.Errorf("sums only %v: lines differ when the run rests between its steps", sumsOnly)
		}
	}
}
