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

	// A rollup's working state, one entry per member numbered: seen and hit are stamped with
	// the rollup's number instead of cleared; acc and legs are valid where seen carries the
	// current stamp.
	stamp     uint32
	seen, hit []uint32
	acc       []int64
	legs      [][2]int64
	order     []uint64
	out       []LegVolume // what the last rollup returned, refilled by the next
}

func newPlacement() *placement {
	t := &placement{}
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
	t.acc, t.legs = append(t.acc, 0), append(t.legs, [2]int64{})
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
		t.parent[n] = t.number(p.Parent)
	}
	t.right[n], t.depth[n], t.known[n] = !p.Left, p.Depth, true
}

// rollUp pushes the volume in pv up the union of the paths from each of its members to the
// top of the tree, deepest first, so each step is taken once however many amounts pass
// through it, and returns what each ancestor gains on each leg: one for every member some
// non-zero amount reached, as genealogy.RollUp does, in no particular order. What it returns is
// valid until the next rollup: a tick at 1M can reach a hundred thousand ancestors, and a list
// made anew at each one fed the collector that stalls the dashboards (issue #19).
func (t *placement) rollUp(pv map[string]int64) []LegVolume {
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
			t.seen[v], t.acc[v], t.legs[v] = t.stamp, 0, [2]int64{}
			order = append(order, uint64(math.MaxUint32-uint32(t.depth[v]))<<32|uint64(v))
		}
	}
	for id, v := range pv {
		n, _ := t.num.get(id) // numbered above
		t.acc[n] += v
	}
	slices.Sort(order)
	hits := 0
	for _, k := range order {
		v := int32(uint32(k))
		a, up := t.acc[v], t.parent[v]
		if up < 0 || a == 0 {
			continue
		}
		if t.right[v] {
			t.legs[up][1] += a
		} else {
			t.legs[up][0] += a
		}
		t.acc[up] += a
		if t.hit[up] != t.stamp {
			t.hit[up] = t.stamp
			hits++
		}
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
	t.order, t.out = order, out
	return out
}
