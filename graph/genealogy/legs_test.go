package genealogy

import (
	"fmt"
	"math/rand"
	"reflect"
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
		// Depths far beyond the network's size take the comparison sort instead of counting.
		far := make([]PlacementLink, len(links))
		for i, l := range links {
			l.Depth += 1 << 40
			far[i] = l
		}
		if got := LegSizes(far); !reflect.DeepEqual(got, sizes) {
			t.Fatalf("seed %d: deep depths give %v, want %v", seed, got, sizes)
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

// RollUp adds each carried amount to every ancestor's leg it lies in, once per path, as walking
// each member's own path up would.
func TestRollUpEqualsWalkingEachPath(t *testing.T) {
	//      r
	//     / \
	//    a   b
	//   / \
	//  c   d
	//  |
	//  e (left of c)
	steps := []Step{{"a", "r", false, 1}, {"b", "r", true, 1}, {"c", "a", false, 2}, {"d", "a", true, 2}, {"e", "c", false, 3}, {"r", "", false, 0}}
	carry := map[string]int64{"e": 5, "d": 3, "b": 7, "a": 1}
	got := RollUp(steps, carry)
	want := map[string][2]int64{"c": {5, 0}, "a": {5, 3}, "r": {5 + 3 + 1, 7}}
	if len(got) != len(want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	for id, w := range want {
		if got[id] != w {
			t.Errorf("%s: got %v, want %v", id, got[id], w)
		}
	}
	if carry["a"] != 1 || len(carry) != 4 {
		t.Errorf("RollUp must not change what it was given: %v", carry)
	}
}
