package payouts

import (
	"fmt"
	"maps"
	"math/rand/v2"
	"testing"

	"github.com/halo-oss/halo/graph/genealogy"
)

// The numbered rollup gives what walking each member's path to the top gives, and what
// genealogy.RollUp gives over the same steps, tick after tick on the same working state:
// amounts that cancel out, members below other members, a member never placed (a root of its
// own), and trees learned link by link in any order (issue #19).
func TestPlacementRollUpEqualsWalkingEachPath(t *testing.T) {
	for seed := range uint64(30) {
		r := rand.New(rand.NewPCG(seed, 11))
		n := 2 + r.IntN(300)
		links := map[string]ParentLink{"root": {}}
		ids := []string{"root"}
		depth := map[string]int64{"root": 0}
		for i := 1; i < n; i++ {
			id := fmt.Sprintf("n%03d", i)
			p := ids[r.IntN(len(ids))]
			if r.IntN(4) == 0 {
				p = ids[len(ids)-1] // chains
			}
			depth[id] = depth[p] + 1
			links[id] = ParentLink{Parent: p, Left: r.IntN(2) == 0, Depth: depth[id]}
			ids = append(ids, id)
		}
		tree := newPlacement()
		order := r.Perm(len(ids))
		for _, i := range order {
			tree.set(ids[i], links[ids[i]])
		}
		for tick := range 6 {
			pv := map[string]int64{}
			for range 1 + r.IntN(12) {
				id := ids[r.IntN(len(ids))]
				if r.IntN(10) == 0 {
					id = fmt.Sprintf("unplaced%d", r.IntN(3))
				}
				pv[id] += int64(r.IntN(900)) - 300
			}
			if r.IntN(3) == 0 { // an amount and its cancellation in one tick
				id := ids[r.IntN(len(ids))]
				pv[id] += 0
			}
			in := maps.Clone(pv)
			got := map[string][2]int64{}
			for _, lv := range tree.rollUp(pv) {
				if _, dup := got[lv.ID]; dup {
					t.Fatalf("seed %d tick %d: %s twice", seed, tick, lv.ID)
				}
				got[lv.ID] = [2]int64{lv.Left, lv.Right}
			}
			if !maps.Equal(pv, in) {
				t.Fatalf("seed %d: rollUp changed its input", seed)
			}
			// Each amount walked up its own path.
			walked := map[string][2]int64{}
			for id, v := range pv {
				for c := id; ; {
					l, ok := links[c]
					if !ok || l.Parent == "" {
						break
					}
					if side := map[bool]int{true: 0, false: 1}[l.Left]; v != 0 {
						lg := walked[l.Parent]
						lg[side] += v
						walked[l.Parent] = lg
					}
					c = l.Parent
				}
			}
			var steps []genealogy.Step
			seen := map[string]bool{}
			for id := range pv {
				for c := id; c != "" && !seen[c]; c = links[c].Parent {
					seen[c] = true
					steps = append(steps, genealogy.Step{ID: c, Parent: links[c].Parent, Right: !links[c].Left, Depth: links[c].Depth})
				}
			}
			want := genealogy.RollUp(steps, pv)
			if !maps.Equal(got, want) {
				t.Fatalf("seed %d tick %d: got %v, genealogy.RollUp %v", seed, tick, got, want)
			}
			for id, lg := range walked {
				if got[id] != lg {
					t.Fatalf("seed %d tick %d: %s gains %v, walking each path %v", seed, tick, id, got[id], lg)
				}
			}
			for id, lg := range got {
				if lg != walked[id] {
					t.Fatalf("seed %d tick %d: %s gains %v, walking each path %v", seed, tick, id, lg, walked[id])
				}
			}
		}
	}
}

// A tree learned before its rollups keeps numbering what it meets later, and the stamps that
// stand in for clearing wrap without a stale mark counting.
func TestPlacementStampsWrap(t *testing.T) {
	tree := newPlacement()
	tree.set("root", ParentLink{})
	tree.set("a", ParentLink{Parent: "root", Left: true, Depth: 1})
	tree.stamp = ^uint32(0) - 1
	for i := range 4 {
		got := tree.rollUp(map[string]int64{"a": 10})
		if len(got) != 1 || got[0] != (LegVolume{ID: "root", Left: 10}) {
			t.Fatalf("rollup %d around the wrap: %v", i, got)
		}
	}
	tree.set("b", ParentLink{Parent: "a", Depth: 2})
	got := tree.rollUp(map[string]int64{"b": 5, "a": 1})
	want := map[LegVolume]bool{{ID: "a", Right: 5}: true, {ID: "root", Left: 6}: true}
	if len(got) != 2 || !want[got[0]] || !want[got[1]] {
		t.Fatalf("after a new link: %v", got)
	}
}
