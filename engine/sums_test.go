package engine_test

import (
	"reflect"
	"testing"
	"time"

	"github.com/halo-oss/halo/engine"
	"github.com/halo-oss/halo/engine/gen"
)

// SumsByMember gives every member the totals its expanded lines add up to.
func TestSumsByMemberEqualsTheLines(t *testing.T) {
	for seed := uint64(1); seed <= 5; seed++ {
		nw := gen.Build(gen.Spec{Seed: seed, Consultants: 300, Customers: 300, Sales: 2000, ChainDepth: 20})
		res, err := engine.Run(nw.Input)
		if err != nil {
			t.Fatal(err)
		}
		want := map[string][8]engine.Units{}
		for _, l := range res.Lines() {
			s := want[l.Member]
			s[l.Type] += l.Amount
			want[l.Member] = s
		}
		got := map[string][8]engine.Units{}
		res.SumsByMember(func(m string, s *[8]engine.Units) {
			if _, twice := got[m]; twice {
				t.Errorf("seed %d: %s given twice", seed, m)
			}
			got[m] = *s
		})
		if len(got) != len(want) || res.Len() == 0 {
			t.Fatalf("seed %d: %d members with lines, want %d (%d lines)", seed, len(got), len(want), res.Len())
		}
		for m, s := range want {
			if got[m] != s {
				t.Errorf("seed %d: %s %v, want %v", seed, m, got[m], s)
			}
		}
	}
}

// A run that keeps only sums (the earnings projection's, which totals revenue share per
// consultant, vendor and CV instead of line by line) gives the same members, totals and sums as
// one that keeps the lines, and lists no lines: with every member active or with compression,
// suspensions and terminations at work (§4 step 6, §10).
func TestSumsOnlyRunEqualsTheFullRun(t *testing.T) {
	for seed := uint64(1); seed <= 18; seed++ {
		spec := gen.Spec{Seed: seed, Consultants: 300, Customers: 300, Sales: 2000, ChainDepth: 20}
		if seed > 16 { // more members than one pass of saleSums' radix sort orders (2,048)
			spec = gen.Spec{Seed: seed, Consultants: 6000, Customers: 3000, Sales: 30000, ChainDepth: 200}
		}
		nw := gen.Build(spec)
		in := nw.Input
		if seed%2 == 0 {
			at := in.End.Add(-time.Hour)
			for i, m := range in.Members {
				if !m.Plan.IsConsultant() || m.Sponsor == "" {
					continue
				}
				switch (i + int(seed)) % 9 {
				case 2:
					in.StatusEvents = append(in.StatusEvents, engine.StatusEvent{Member: m.ID, Status: engine.StatusTerminated, At: at, Seq: int64(i)})
				case 5:
					in.StatusEvents = append(in.StatusEvents, engine.StatusEvent{Member: m.ID, Status: engine.StatusSuspended, At: at, Seq: int64(i)})
				}
			}
		}
		full, err := engine.Run(in)
		if err != nil {
			t.Fatal(err)
		}
		if full.Totals.ByType[engine.LineRevenueShare.String()] == 0 {
			t.Fatalf("seed %d: no revenue share to compare", seed)
		}
		in.SumsOnly = true
		sums, err := engine.Run(in)
		if err != nil {
			t.Fatal(err)
		}
		if sums.Len() != 0 {
			t.Errorf("seed %d: a sums-only run kept %d lines", seed, sums.Len())
		}
		if !reflect.DeepEqual(full.Totals, sums.Totals) || full.Totals.Lines == 0 {
			t.Errorf("seed %d: totals %+v, want %+v", seed, sums.Totals, full.Totals)
		}
		if !reflect.DeepEqual(full.Members, sums.Members) {
			t.Errorf("seed %d: the members' results differ", seed)
		}
		collect := func(res *engine.Result) map[string][8]engine.Units {
			out := map[string][8]engine.Units{}
			res.SumsByMember(func(m string, s *[8]engine.Units) { out[m] = *s })
			return out
		}
		if want, got := collect(full), collect(sums); !reflect.DeepEqual(want, got) || len(want) == 0 {
			t.Errorf("seed %d: sums of %d members, want %d", seed, len(got), len(want))
		}
	}
}
