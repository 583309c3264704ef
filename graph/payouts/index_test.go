package payouts

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// The kept snapshot's index finds the same row a map from id to row would, through growth,
// repeated ids (the later row wins, as a state read twice) and ids it never saw.
func TestIDIndexAgreesWithAMap(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 19))
	for _, start := range []int{0, 1, 5, 1000} {
		var rows []string
		for i := 0; i < start; i++ {
			rows = append(rows, fmt.Sprintf("m%08d", rng.IntN(3*start+1)))
		}
		want := map[string]int{}
		for i, id := range rows {
			want[id] = i
		}
		x := newIDIndex(len(rows), func(i int) string { return rows[i] })
		for step := 0; step < 5000; step++ {
			id := fmt.Sprintf("m%08d", rng.IntN(4000))
			if rng.IntN(3) == 0 { // a row read again replaces the row of its id
				if i, ok := x.get(id); ok {
					if want[id] != i {
						t.Fatalf("start %d: %s at row %d, want %d", start, id, i, want[id])
					}
					continue
				}
			}
			rows = append(rows, id)
			want[id] = len(rows) - 1
			x.set(len(rows) - 1)
		}
		for id, i := range want {
			if got, ok := x.get(id); !ok || got != i {
				t.Fatalf("start %d: %s at row %d (%v), want %d", start, id, got, ok, i)
			}
		}
		if x.n != len(want) {
			t.Fatalf("start %d: %d ids indexed, want %d", start, x.n, len(want))
		}
		for _, id := range []string{"", "m99999999", "pack:m1"} {
			if i, ok := x.get(id); ok {
				t.Fatalf("start %d: %q found at row %d", start, id, i)
			}
		}
		if 2*x.n > len(x.slots) {
			t.Fatalf("start %d: table more than half full: %d of %d", start, x.n, len(x.slots))
		}
	}
}
