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
			legs, sums, _ := tree.rollUp(pv)
			if len(sums) > 0 {
				t.Fatalf("seed %d tick %d: no left leg is long enough for sums, got %v", seed, tick, sums)
			}
			for _, lv := range legs {
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
		got, _, _ := tree.rollUp(map[string]int64{"a": 10})
		if len(got) != 1 || got[0] != (LegVolume{ID: "root", Left: 10}) {
			t.Fatalf("rollup %d around the wrap: %v", i, got)
		}
	}
	tree.set("b", ParentLink{Parent: "a", Depth: 2})
	got, _, _ := tree.rollUp(map[string]int64{"b": 5, "a": 1})
	want := map[LegVolume]bool{{ID: "a", Right: 5}: true, {ID: "root", Left: 6}: true}
	if len(got) != 2 || !want[got[0]] || !want[got[1]] {
		t.Fatalf("after a new link: %v", got)
	}
}

// pathStore keeps a rollup's output as Redis does (cache.Apply): counters and sums added, marks
// set; read reads a member's leg volumes as cache.Read does.
type pathStore struct {
	legs  map[string][2]int64
	sums  map[PathSum]int64
	marks map[string]PathMark
}

func newPathStore() *pathStore {
	return &pathStore{legs: map[string][2]int64{}, sums: map[PathSum]int64{}, marks: map[string]PathMark{}}
}

func (s *pathStore) add(legs []LegVolume, sums []PathSum, marks []PathMark) {
	for _, lv := range legs {
		l := s.legs[lv.ID]
		s.legs[lv.ID] = [2]int64{l[0] + lv.Left, l[1] + lv.Right}
	}
	for _, p := range sums {
		s.sums[PathSum{Top: p.Top, Node: p.Node}] += p.V
	}
	for _, m := range marks {
		if old, ok := s.marks[m.ID]; ok && old != m {
			panic(fmt.Sprintf("%s marked %v, then %v", m.ID, old, m))
		}
		s.marks[m.ID] = m
	}
}

func (s *pathStore) read(id string) [2]int64 {
	lg := s.legs[id]
	if m, ok := s.marks[id]; ok {
		for _, n := range PathSumNodes(m.First) {
			lg[0] += s.sums[PathSum{Top: m.Top, Node: n}]
		}
	}
	return lg
}

// Long left legs keep their left leg volume in sums (PathSum): what a reader adds up, its own
// counter and the sums' nodes from a marked member's first, is what walking each amount's path
// gives, tick after tick, while the binary tree grows (extreme-left and extreme-right
// placements make long legs), when the marks are handed out again (a new holder) and in a new
// set rolled up whole (a rebuild), for legs shorter and longer than the sums' first position.
func TestPathSumsGiveEachLeftLegVolume(t *testing.T) {
	withSums := 0
	for seed := range uint64(40) {
		r := rand.New(rand.NewPCG(seed, 23))
		links := map[string]ParentLink{"root": {}}
		ids := []string{"root"}
		child := map[string][2]string{} // left, right
		tree := newPlacement()
		tree.sumsFrom = int32(1 + r.IntN(6))
		tree.set("root", ParentLink{})
		place := func(p string, left bool) {
			side := map[bool]int{true: 0, false: 1}[left]
			for child[p][side] != "" { // down the same leg to its end
				p = child[p][side]
			}
			id := fmt.Sprintf("n%04d", len(ids))
			links[id] = ParentLink{Parent: p, Left: left, Depth: links[p].Depth + 1}
			c := child[p]
			c[side] = id
			child[p] = c
			ids = append(ids, id)
			tree.set(id, links[id])
		}
		for range r.IntN(150) {
			place("root", true)
		}
		grow := func(n int) {
			for range n {
				place(ids[r.IntN(len(ids))], r.IntN(3) > 0)
			}
		}
		grow(20 + r.IntN(200))
		store := newPathStore()
		total := map[string]int64{} // every amount so far, for the rebuild
		check := func(what string, s *pathStore) {
			walked := map[string][2]int64{}
			for id, v := range total {
				for c := id; links[c].Parent != ""; c = links[c].Parent {
					lg := walked[links[c].Parent]
					lg[map[bool]int{true: 0, false: 1}[links[c].Left]] += v
					walked[links[c].Parent] = lg
				}
			}
			for _, id := range ids {
				if got := s.read(id); got != walked[id] {
					t.Fatalf("seed %d (sums from %d), %s: %s reads %v, walking each path %v", seed, tree.sumsFrom, what, id, got, walked[id])
				}
			}
		}
		sawSums := false
		for tick := range 8 {
			pv := map[string]int64{}
			for range 1 + r.IntN(20) {
				pv[ids[r.IntN(len(ids))]] += int64(r.IntN(900)) - 300
			}
			for id, v := range pv {
				total[id] += v
			}
			legs, sums, marks := tree.rollUp(pv)
			sawSums = sawSums || len(sums) > 0
			store.add(legs, sums, marks)
			check(fmt.Sprintf("tick %d", tick), store)
			grow(r.IntN(30))
			if r.IntN(4) == 0 {
				tree.forgetMarks() // a new holder marks again what it reaches
			}
		}
		// A rebuild: a new set with everything counted so far, in one rollup.
		tree.forgetMarks()
		rebuilt := newPathStore()
		rebuilt.add(tree.rollUp(maps.Clone(total)))
		check("rebuilt", rebuilt)
		if sawSums {
			withSums++
		}
	}
	if withSums < 30 {
		t.Fatalf("only %d trees of 40 had legs long enough for sums", withSums)
	}
}

// Should two left children of one member ever be read (the member_slot constraint forbids
// it), the positions on a leg no longer say who is below whom: the rollup stops using sums,
// and what they hold stays right.
func TestPathSumsStopWhenALegForks(t *testing.T) {
	tree := newPlacement()
	tree.sumsFrom = 1
	tree.set("root", ParentLink{})
	tree.set("a", ParentLink{Parent: "root", Left: true, Depth: 1})
	tree.set("b", ParentLink{Parent: "a", Left: true, Depth: 2})
	store := newPathStore()
	store.add(tree.rollUp(map[string]int64{"b": 10}))
	if got := store.read("a"); got != [2]int64{10, 0} || len(store.marks) == 0 {
		t.Fatalf("a reads %v with marks %v", got, store.marks)
	}
	tree.set("c", ParentLink{Parent: "a", Left: true, Depth: 2}) // a second left child
	legs, sums, marks := tree.rollUp(map[string]int64{"c": 5, "b": 1})
	if len(sums)+len(marks) > 0 {
		t.Fatalf("sums %v and marks %v after the fork", sums, marks)
	}
	store.add(legs, sums, marks)
	if a, root := store.read("a"), store.read("root"); a != [2]int64{16, 0} || root != [2]int64{16, 0} {
		t.Fatalf("after the fork a reads %v, root %v", a, root)
	}
}
