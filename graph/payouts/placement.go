package payouts

import (
	"math"
	"slices"

	"github.com/halo-oss/halo/engine"
)

// placement is the placement tree as the live counters walk it: each consultant learned gets
// a number, and its parent, leg and depth are kept in slices by that number. A tick's rollup
// pushes the volume of every consultant who sold up to the root (leg volume, PLAN.md §2), and
// the union of those paths is hundreds of thousands of ancestors at 1M consultants (the bench
// network's 100,000-deep chain). Keyed by id, the walk took five map lookups a node and built
// three maps the size of the union each second: beside full ingest a quarter of halod's CPU,
// with the collector's share on top (issue #19). Numbered, it takes none, and its working
// slices are kept between ticks.
type placement struct {
	num    *idIndex // id → number
	ids    []string // number → id
	parent []int32  // -1: the root, or no consultant above (gone, or not placed)
	right  []bool   // on its parent's right leg
	depth  []int64
	known  []bool // its own link was read (a parent is numbered before its link is read)

	// Long left legs (see PathSum): positions from sumsFrom on keep their left leg volume in
	// their leg's sums. pos and top are each member's place on its left leg, valid where seen
	// carries the current stamp; marked stamps with epoch the members whose PathMark was handed
	// out for the current set of counters.
	sumsFrom int32
	left     []int32 // the left child learned, -1 none
	pos, top []int32
	marked   []uint32
	epoch    uint32

	// A rollup's working state, one entry per member numbered: seen and hit are stamped with
	// the rollup's number instead of cleared; acc and legs are valid where seen carries the
	// current stamp.
	stamp     uint32
	seen, hit []uint32
	acc       []int64
	lacc      []int64 // the part of acc that came from the left child
	legs      [][2]int64
	order     []uint64
	out       []LegVolume // what the last rollup returned, refilled by the next
	sums      map[uint64]int64
	sumsOut   []PathSum
	marksOut  []PathMark
}

// pathSumsFrom is the first position on a left leg whose left leg volume lives in the leg's
// sums: above it a tick's rollup adds to each member's own field, as it always did.
const pathSumsFrom = 64

func newPlacement() *placement {
	t := &placement{sumsFrom: pathSumsFrom, epoch: 1, sums: map[uint64]int64{}}
	t.num = newIDIndex(0, func(n int) string { return t.ids[n] })
	return t
}

func (t *placement) number(id string) int32 {
	if n, ok := t.num.get(id); ok {
		return int32(n)
	}
	n := int32(len(t.ids))
	t.ids = append(t.ids, id)
	t.num.set(int(n))
	t.parent = append(t.parent, -1)
	t.right = append(t.right, false)
	t.depth = append(t.depth, 0)
	t.known = append(t.known, false)
	t.seen, t.hit = append(t.seen, 0), append(t.hit, 0)
	t.acc, t.lacc, t.legs = append(t.acc, 0), append(t.lacc, 0), append(t.legs, [2]int64{})
	t.pos, t.top, t.marked = append(t.pos, 0), append(t.top, 0), append(t.marked, 0)
	t.left = append(t.left, -1)
	return n
}

// has says whether id's own link was read.
func (t *placement) has(id string) bool {
	n, ok := t.num.get(id)
	return ok && t.known[n]
}

// set records id's link (placement never changes: a link read once stays true).
func (t *placement) set(id string, p ParentLink) {
	n := t.number(id)
	t.parent[n] = -1
	if p.Parent != "" {
		up := t.number(p.Parent)
		t.parent[n] = up
		if p.Left {
			// A placement slot holds one consultant (PLAN.md §2, the member_slot constraint), so
			// a left leg is a path. Should two left children ever be read, positions on a leg no
			// longer say who is below whom: from here on every left leg volume goes to the
			// members' own counters. What the sums already hold stays right (it was written
			// while the leg was one path), and readers add both.
			if c := t.left[up]; c >= 0 && c != n {
				t.sumsFrom = math.MaxInt32
			}
			t.left[up] = n
		}
	}
	t.right[n], t.depth[n], t.known[n] = !p.Left, p.Depth, true
}

// rollUp pushes the volume in pv up the union of the paths from each of its members to the
// top of the tree, deepest first, so each step is taken once however many amounts pass
// through it, and returns what each ancestor gains on each leg: one for every member some
// non-zero amount reached, as genealogy.RollUp does, in no particular order; a left leg
// volume from sumsFrom down a long left leg instead as the increments of that leg's sums, and
// the marks of the members on such positions not marked since the last forgetMarks. What it
// returns is valid until the next rollup: a tick at 1M can reach a hundred thousand
// ancestors, and a list made anew at each one fed the collector that stalls the dashboards
// (issue #19).
func (t *placement) rollUp(pv map[string]int64) ([]LegVolume, []PathSum, []PathMark) {
	if t.stamp++; t.stamp == 0 { // wrapped: stamps of four billion rollups ago look current
		clear(t.seen)
		clear(t.hit)
		t.stamp = 1
	}
	// The union of the paths, each node once, keyed to sort deepest first (a parent is always
	// shallower than its child, so it comes after everything below it).
	order := t.order[:0]
	for id := range pv {
		// Every member is loaded before (loadParents); one never read is a root of its own.
		for v := t.number(id); v >= 0 && t.seen[v] != t.stamp; v = t.parent[v] {
			t.seen[v], t.acc[v], t.lacc[v], t.legs[v] = t.stamp, 0, 0, [2]int64{}
			order = append(order, uint64(math.MaxUint32-uint32(t.depth[v]))<<32|uint64(v))
		}
	}
	for id, v := range pv {
		n, _ := t.num.get(id) // numbered above
		t.acc[n] += v
	}
	slices.Sort(order)
	// Each member's place on its left leg, shallowest first: a parent's is known before its
	// children's.
	marks := t.marksOut[:0]
	for i := len(order) - 1; i >= 0; i-- {
		v := int32(uint32(order[i]))
		if up := t.parent[v]; up >= 0 && !t.right[v] {
			t.pos[v], t.top[v] = t.pos[up]+1, t.top[up]
		} else {
			t.pos[v], t.top[v] = 0, v
		}
		if t.pos[v] >= t.sumsFrom && t.marked[v] != t.epoch {
			t.marked[v] = t.epoch
			marks = append(marks, PathMark{ID: t.ids[v], Top: t.ids[t.top[v]], First: t.pos[v] - t.sumsFrom + 1})
		}
	}
	hits := 0
	hit := func(up int32) {
		if t.hit[up] != t.stamp {
			t.hit[up] = t.stamp
			hits++
		}
	}
	for _, k := range order {
		v := int32(uint32(k))
		a, up := t.acc[v], t.parent[v]
		if up < 0 {
			continue
		}
		switch {
		case t.right[v]:
			if a == 0 {
				continue
			}
			t.legs[up][1] += a
			hit(up)
		case t.pos[up] >= t.sumsFrom:
			// What enters the left leg at v (its own volume and its right leg's) is left leg
			// volume for every member above v on the leg: one range of the leg's sums.
			t.lacc[up] += a
			if in := a - t.lacc[v]; in != 0 {
				for j := t.pos[up] - t.sumsFrom + 1; j > 0; j -= j & -j {
					t.sums[uint64(uint32(t.top[up]))<<32|uint64(j)] += in
				}
			}
		default:
			t.lacc[up] += a
			if a == 0 {
				continue
			}
			t.legs[up][0] += a
			hit(up)
		}
		t.acc[up] += a
	}
	out := t.out[:0]
	if cap(out) < hits {
		out = make([]LegVolume, 0, engine.Room(hits))
	}
	for _, k := range order {
		if v := int32(uint32(k)); t.hit[v] == t.stamp {
			out = append(out, LegVolume{ID: t.ids[v], Left: t.legs[v][0], Right: t.legs[v][1]})
		}
	}
	sums := t.sumsOut[:0]
	for k, v := range t.sums {
		if v != 0 {
			sums = append(sums, PathSum{Top: t.ids[int32(k>>32)], Node: int32(uint32(k)), V: v})
		}
	}
	clear(t.sums)
	t.order, t.out, t.sumsOut, t.marksOut = order, out, sums, marks
	return out, sums, marks
}

// forgetMarks makes the next rollups mark every member they reach on a long left leg again: a
// new set of counters starts without marks.
func (t *placement) forgetMarks() {
	if t.epoch++; t.epoch == 0 {
		clear(t.marked)
		t.epoch = 1
	}
}
