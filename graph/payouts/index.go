package payouts

import "hash/maphash"

// idIndex finds a row of one of the kept snapshot's slices by its id. It is a table of row
// numbers with open addressing, the ids read from the rows themselves (key), so it holds no
// pointer for Go's collector to mark. Maps from id to row held 153 MB at 1M consultants and
// 1.57 million sales, every id a pointer that each collection marked again, and collections
// ran next to the heap's goal: during their marks the dashboards stalled for up to 0.4 s
// beside full ingest (issue #19). This table is about 8 bytes a row.
type idIndex struct {
	slots []int32 // row + 1; 0 is an empty slot
	n     int
	key   func(row int) string
}

var idSeed = maphash.MakeSeed()

// newIDIndex indexes rows 0..rows-1; of two rows with one id, the later is found.
func newIDIndex(rows int, key func(row int) string) *idIndex {
	x := &idIndex{key: key, slots: make([]int32, tableSize(rows))}
	for i := 0; i < rows; i++ {
		x.set(i)
	}
	return x
}

// tableSize keeps the table at most half full, so a lookup probes about two slots.
func tableSize(rows int) int {
	s := 16
	for s < 2*rows {
		s <<= 1
	}
	return s
}

// get returns the row of id.
func (x *idIndex) get(id string) (int, bool) {
	r := *x.slot(id)
	if r == 0 {
		return 0, false
	}
	return int(r - 1), true
}

// set makes row the place of its id, in place of the row that had that id before, if any.
func (x *idIndex) set(row int) {
	if 2*(x.n+1) > len(x.slots) {
		old := x.slots
		x.slots, x.n = make([]int32, 2*len(old)), 0
		for _, r := range old {
			if r != 0 {
				x.set(int(r - 1))
			}
		}
	}
	s := x.slot(x.key(row))
	if *s == 0 {
		x.n++
	}
	*s = int32(row + 1)
}

// slot is the slot that holds id's row, or the empty one where it goes.
func (x *idIndex) slot(id string) *int32 {
	mask := uint64(len(x.slots) - 1)
	for h := maphash.String(idSeed, id) & mask; ; h = (h + 1) & mask {
		if r := x.slots[h]; r == 0 || x.key(int(r-1)) == id {
			return &x.slots[h]
		}
	}
}
