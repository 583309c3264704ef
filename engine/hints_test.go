package engine_test

import (
	"math/rand/v2"
	"reflect"
	"testing"

	"github.com/halo-oss/halo/engine"
	"github.com/halo-oss/halo/engine/gen"
)

// Hints (Member.SponsorAt, Member.ParentAt, Sale.MemberAt) never change a run: right, wrong,
// out of range or absent, the lines, members and totals are the same, and so are the errors.
func TestHintsNeverChangeARun(t *testing.T) {
	for seed := uint64(1); seed <= 6; seed++ {
		nw := gen.Build(gen.Spec{Seed: seed, Consultants: 300, Customers: 300, Sales: 2000, ChainDepth: 20})
		rng := rand.New(rand.NewPCG(seed, 3))
		base := nw.Input
		base.Members = append([]engine.Member(nil), base.Members...)
		rng.Shuffle(len(base.Members), func(i, j int) { base.Members[i], base.Members[j] = base.Members[j], base.Members[i] })
		want, err := engine.Run(base)
		if err != nil {
			t.Fatal(err)
		}
		at := map[string]int32{}
		for i, m := range base.Members {
			at[m.ID] = int32(i) + 1
		}
		hint := func(mode int, id string) int32 {
			switch mode {
			case 0:
				return at[id]
			case 1: // wrong: another member
				return int32(rng.IntN(len(base.Members))) + 1
			default: // out of range
				return int32(len(base.Members) + 1 + rng.IntN(5))
			}
		}
		for mode := 0; mode < 3; mode++ {
			in := base
			in.Members = append([]engine.Member(nil), base.Members...)
			in.Sales = append([]engine.Sale(nil), base.Sales...)
			for i := range in.Members {
				in.Members[i].SponsorAt, in.Members[i].ParentAt = hint(mode, in.Members[i].Sponsor), hint(mode, in.Members[i].Parent)
			}
			for i := range in.Sales {
				in.Sales[i].MemberAt = hint(mode, in.Sales[i].Member)
			}
			got, err := engine.Run(in)
			if err != nil {
				t.Fatalf("seed %d mode %d: %v", seed, mode, err)
			}
			if !reflect.DeepEqual(got.Totals, want.Totals) || !reflect.DeepEqual(got.Members, want.Members) || got.Len() != want.Len() {
				t.Fatalf("seed %d mode %d: the run differs with hints", seed, mode)
			}
			wl := map[int]engine.Line{}
			for i, l := range want.Lines() {
				wl[i] = l
			}
			for i, l := range got.Lines() {
				if !reflect.DeepEqual(l, wl[i]) {
					t.Fatalf("seed %d mode %d: line %d is %+v, without hints %+v", seed, mode, i, l, wl[i])
				}
			}
		}
		// A hint cannot make a missing sponsor exist.
		bad := base
		bad.Members = append([]engine.Member(nil), base.Members...)
		for i := range bad.Members {
			if bad.Members[i].Sponsor != "" {
				bad.Members[i].Sponsor, bad.Members[i].SponsorAt = "nobody", 1
				break
			}
		}
		if _, err := engine.Run(bad); err == nil {
			t.Fatalf("seed %d: a sponsor that does not exist was accepted through a hint", seed)
		}
	}
}
