package store

import "unsafe"

// strs copies the strings a kept snapshot holds (member, sponsor, parent and sale ids) into
// shared blocks. Decoded one by one, a snapshot of a million members and 1.5 million sales keeps
// millions of small strings, each an object that every garbage collection marks again; at that
// size a collection marked for 0.6–1.2 s on both cores while the dashboards waited for Neo4j
// (issue #19). Blocks grow from 1 KiB to 1 MiB, so the few ids of a small delta keep only a
// small block alive.
type strs struct {
	block []byte
	size  int
}

// keep returns a copy of s in the current block.
func (a *strs) keep(s string) string {
	if s == "" {
		return ""
	}
	if len(s) > cap(a.block)-len(a.block) {
		a.size = min(max(2*a.size, 1<<10), 1<<20)
		a.block = make([]byte, 0, max(a.size, len(s)))
	}
	n := len(a.block)
	// Appending writes only past the block's length, never over bytes a kept string reads.
	a.block = append(a.block, s...)
	return unsafe.String(&a.block[n], len(s))
}
