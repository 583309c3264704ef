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
		if n > 0 {
			prefix = rng.IntN(n + 1)
		}
		slices.SortFunc(xs[:prefix], func(a, b *item) int { return strings.Compare(a.id, b.id) })
		want := slices.Clone(xs)
		slices.SortStableFunc(want, func(a, b *item) int { return strings.Compare(a.id, b.id) })
		got := slices.Clone(xs)
		sortByID(got, func(x *item) string { return x.id })
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
