package genealogy

import (
	"fmt"
	"math/rand"
	"testing"
)

// LegSizes agrees with counting each subtree by walking it, on random forests hanging from
// members outside the links; Attach hands each outside parent exactly its subtrees' sizes.
func TestLegSizesAgreeWithWalking(t *testing.T) {
	for seed := int64(1); seed <= 30; seed++ {
		rng := rand.New(rand.NewSource(seed))
		type slot struct {
			id    string
			depth int64
		}
		outside := []slot{{"x1", 3}, {"x2", 7}}
		type vacancy struct {
			s   slot
			leg string
		}
		var open []vacancy
		for _, o := range outside {
			open = append(open, vacancy{o, "left"}, vacancy{o, "right"})
		}
		var links []PlacementLink
		children := map[string][2]string{}
		for i := 0; i < 200 && len(open) > 0; i++ {
			k := rng.Intn(len(open))
			o := open[k]
			open = append(open[:k], open[k+1:]...)
			id := fmt.Sprintf("m%d", i)
			links = append(links, PlacementLink{ID: id, Parent: o.s.id, Leg: o.leg, Depth: o.s.depth + 1})
			c := children[o.s.id]
			c[legIndex(o.leg)] = id
			children[o.s.id] = c
			n := slot{id, o.s.depth + 1}
			open = append(open, vacancy{n, "left"}, vacancy{n, "right"})
		}
		rng.Shuffle(len(links), func(i, j int) { links[i], links[j] = links[j], links[i] })
		var size func(id string) int64
		size = func(id string) int64 {
			if id == "" {
				return 0
			}
			c := children[id]
			return 1 + size(c[0]) + size(c[1])
		}
		sizes := LegSizes(links)
		if len(sizes) != len(links) {
			t.Fatalf("seed %d: %d sizes for %d links", seed, len(sizes), len(links))
		}
		for _, l := range links {
			c := children[l.ID]
			if got, want := sizes[l.ID], [2]int64{size(c[0]), size(c[1])}; got != want {
				t.Fatalf("seed %d: %s has %v, walking gives %v", seed, l.ID, got, want)
			}
		}
		at := map[string]PlacementLink{}
		for _, l := range links {
			at[l.ID] = l
		}
		added := map[string][2]int64{}
		for _, a := range Attach(links, sizes) {
			l := at[a.ID]
			v := added[l.Parent]
			v[legIndex(l.Leg)] += a.N
			added[l.Parent] = v
		}
		for _, o := range outside {
			c := children[o.id]
			if got, want := added[o.id], [2]int64{size(c[0]), size(c[1])}; got != want {
				t.Fatalf("seed %d: outside %s gains %v, walking gives %v", seed, o.id, got, want)
			}
		}
	}
}
