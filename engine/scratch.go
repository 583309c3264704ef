package engine

import (
	"sync/atomic"
	"time"
	"unsafe"
)

// Scratch is working memory that successive runs lend each other, one run at a time: the
// earnings projection runs the engine over the same network after every few accepted events,
// and each update allocated its working arrays anew, so Go's collector ran about once an
// update at 1M consultants, beside the dashboards. With a scratch that also holds the results
// (ReuseResults) an update allocates 275 MB instead of 851 MB there
// (BenchmarkProjectionUpdateMillion), and a run at 200,000 consultants 25 MB instead of 140 MB
// (issue #19).
//
// Only what a run uses while it runs lives here, unless ReuseResults is set: a Result never
// refers to it, so a result stays whole after the next run. A run finding the scratch in use by
// another allocates its own. The zero value is ready to use.
type Scratch struct {
	// ReuseResults lets a result's Members, sums and member index (about 390 bytes a member,
	// the largest part of what a run allocates) live here too: they are then valid only until
	// the next run with this scratch. The projection, which reads each result once and drops
	// it, sets it.
	ReuseResults bool

	busy  atomic.Bool
	i32   bufs[int32]
	strs  bufs[string]
	ints  bufs[int]
	units bufs[Units]
	vols  bufs[volumes]
	bools bufs[bool]
	times bufs[time.Time]
	sales bufs[*Sale]
	acct  bufs[accountedSale]
	acts  bufs[activation]
	refs  bufs[sumsRef]
	plans bufs[Plan]
	mems  bufs[*Member]
	mrefs bufs[memberRef]
	prevs bufs[*State]
	outs  bufs[MemberResult] // ReuseResults
	sums  bufs[memberSums]   // ReuseResults
	stats bufs[Status]

	voided map[string]bool // the run's voided sales (§6, §11), emptied as it ends
}

type pool interface {
	rewind()
	free()
	size() int64
}

func (s *Scratch) pools() []pool {
	return []pool{&s.i32, &s.strs, &s.ints, &s.units, &s.vols, &s.bools, &s.times, &s.sales, &s.acct, &s.acts, &s.refs,
		&s.plans, &s.mems, &s.mrefs, &s.prevs, &s.outs, &s.sums, &s.stats}
}

// voidedSet is the scratch's set of voided sales, empty (a run empties it as it ends, lend): at
// 1M under a stream of sales a map made anew at every update was, with the lists beside it,
// 6 % of what halod allocated.
func (s *Scratch) voidedSet() map[string]bool {
	if s.voided == nil {
		s.voided = map[string]bool{}
	}
	return s.voided
}

// bufs hands out its slices in the order a run asks for them: a run's steps ask in the same
// order every time, so each slice goes back to the array it was last, at most regrown.
type bufs[T any] struct {
	all  [][]T
	next int
	room bool // regrow with room to spare (a shared scratch)
}

// Room is the capacity to make for n elements of an array that is kept and refilled as a
// network grows: a network gains members and sales between updates, and an array made for
// exactly n would be made anew (and copied) at the next update (issue #19).
func Room(n int) int { return n + n/16 + 64 }

// take returns n zero values, reusing the next slice when it is large enough.
func (b *bufs[T]) take(n int) []T { return b.takePaused(n, nil) }

// takePaused is take for a large slice: a reused one is cleared pauseEvery elements at a time,
// with a call of pause (when not nil) between two (payoutRun.offer: the members' results are
// 200 MB at 1M consultants).
func (b *bufs[T]) takePaused(n int, pause func()) []T {
	if b.next == len(b.all) {
		b.all = append(b.all, nil)
	}
	s := b.all[b.next]
	if cap(s) < n {
		// A shared one with room to grow: a network gains members and sales between updates,
		// and a slice regrown at each one would save nothing.
		c := n
		if b.room {
			c = Room(n)
		}
		s = make([]T, n, c)
	} else {
		s = s[:n]
		for k := 0; k < n; k += pauseEvery {
			if pause != nil && k > 0 {
				pause()
			}
			clear(s[k:min(k+pauseEvery, n)])
		}
	}
	b.all[b.next] = s
	b.next++
	return s
}

// empty returns a slice of no elements with room for n, to be appended to.
func (b *bufs[T]) empty(n int) []T { return b.take(n)[:0] }

// grew keeps s, appended to past its room, in place of the slice handed out last.
func (b *bufs[T]) grew(s []T) { b.all[b.next-1] = s }

// drop forgets what the slices point to, so a kept scratch holds no snapshot alive.
func (b *bufs[T]) drop() {
	for _, s := range b.all {
		clear(s[:cap(s)])
	}
}

func (b *bufs[T]) size() int64 {
	var n int64
	var zero T
	for _, s := range b.all {
		n += int64(cap(s)) * int64(unsafe.Sizeof(zero))
	}
	return n
}

// Size is how many bytes the scratch holds.
func (s *Scratch) Size() int64 {
	if !s.busy.CompareAndSwap(false, true) {
		return 0
	}
	defer s.busy.Store(false)
	n := int64(0)
	for _, p := range s.pools() {
		n += p.size()
	}
	return n
}

// rewind starts a run: the slices are handed out again from the first, regrown with room.
func (b *bufs[T]) rewind() { b.next, b.room = 0, true }

func (b *bufs[T]) free() { *b = bufs[T]{} }

// Free lets the collector have the scratch's memory (several hundred MB at 1M consultants) when
// it will not be needed for a while. A run under way with it keeps it.
func (s *Scratch) Free() {
	if !s.busy.CompareAndSwap(false, true) {
		return
	}
	for _, p := range s.pools() {
		p.free()
	}
	s.voided = nil
	s.busy.Store(false)
}

// lend gives a run in's scratch, or a fresh one when none was given or it is in use; the
// returned func gives it back.
func lend(in *Input) (*Scratch, func()) {
	s := in.Scratch
	if s == nil || !s.busy.CompareAndSwap(false, true) {
		return &Scratch{}, func() {}
	}
	for _, p := range s.pools() {
		p.rewind()
	}
	return s, func() {
		// Pointers into this run's input, kept by no result.
		s.sales.drop()
		s.acct.drop()
		s.mems.drop()
		s.mrefs.drop()
		s.prevs.drop()
		clear(s.voided)
		s.busy.Store(false)
	}
}
