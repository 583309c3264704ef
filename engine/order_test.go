package engine

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// sortByID must give exactly what a full stable sort gives, whatever the shape of the input: sorted,
// a sorted prefix with an unsorted tail (the projection's kept snapshot), or shuffled.
func TestSortByIDMatchesAFullSort(t *testing.T) {
	type item struct{ id string }
	rng := rand.New(rand.NewPCG(7, 19))
	for round := 0; round < 500; round++ {
		n := rng.IntN(200)
		xs := make([]*item, n)
		for i := range xs {
			xs[i] = &item{id: fmt.Sprintf("m-%04d", rng.IntN(300))}
		}
		prefix := 0
		if n > 0 && round%2 == 0 {
			prefix = rng.IntN(n + 1)
		} else if n > 0 { // a short tail, merged into the prefix (the kept snapshot's case)
			prefix = n - rng.IntN(n/4+1)
		}
		slices.SortFunc(xs[:prefix], func(a, b *item) int { return strings.Compare(a.id, b.id) })
		want := slices.Clone(xs)
		slices.SortStableFunc(want, func(a, b *item) int { return strings.Compare(a.id, b.id) })
		got := slices.Clone(xs)
		sortByID(got, func(x *item) string { return x.id }, nil)
		for i := range want {
			if got[i] != want[i] { // the same element: stable, as a state listed twice relies on
				t.Fatalf("round %d (n %d, sorted prefix %d): position %d is %s, a full sort puts %s", round, n, prefix, i, got[i].id, want[i].id)
			}
		}
		seen := map[*item]bool{}
		for _, x := range got {
			if seen[x] {
				t.Fatalf("round %d: an element appears twice", round)
			}
			seen[x] = true
		}
	}
}

// sortByS orders by S whatever the network's size (one radix pass below 2,048 members, more
// above) and keeps every activation.
func TestSortBySOrdersAndKeepsEveryActivation(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 11))
	for _, n := range []int{1, 2, 2047, 2048, 2049, 100_000, 1<<22 + 3} {
		acts := make([]activation, 3*n/2+1)
		for i := range acts {
			acts[i] = activation{s: int32(rng.IntN(n)), vendor: int32(i), cv: Units(rng.IntN(1000))}
		}
		want := slices.Clone(acts)
		slices.SortFunc(want, func(a, b activation) int { return int(a.vendor) - int(b.vendor) })
		got := sortByS(acts, make([]activation, len(acts)), n, nil)
		if !slices.IsSortedFunc(got, func(a, b activation) int { return int(a.s) - int(b.s) }) {
			t.Fatalf("n=%d: not in S's order", n)
		}
		// Each activation once, as it was (vendor is its original position here).
		back := slices.Clone(got)
		slices.SortFunc(back, func(a, b activation) int { return int(a.vendor) - int(b.vendor) })
		if !slices.Equal(back, want) {
			t.Fatalf("n=%d: activations lost or changed", n)
		}
	}
}
