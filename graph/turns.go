package graph

import (
	"context"
	"sync"
	"time"
)

// Turns bounds how many of the vendors' batches are written at once, and fewer while people are
// using the API: a batch that finds no turn waits in halod, before its transaction, rather than
// in Neo4j beside the reads of the people waiting for their screens. A vendor's batch tolerates
// a few hundred milliseconds more; a consultant's dashboard does not. Issue #19, beside four
// vendors' full ingest at 1M with dashboards at 200/s: p99 0.93–0.96 s with every batch at
// once, 154–163 ms one at a time, 56–87 ms one at a time resting as long as each took, with the
// events accepted over the whole run unchanged (README, thirty-first session).
type Turns struct {
	fg         *Foreground
	idle, busy int
	rest       float64
	patience   time.Duration // turnsPatience; shorter in tests

	mu      sync.Mutex
	in      int
	wake    chan struct{} // closed and replaced whenever a turn is given back or a waiter leaves
	waiting map[*turnWaiter]struct{}
}

// turnWaiter is a batch (or a part of one) waiting for a turn: its events, and since when.
type turnWaiter struct {
	events int
	since  time.Time
}

// turnsPatience is how long a batch waits before it goes ahead of smaller ones (Enter).
const turnsPatience = 2 * time.Second

// NewTurns gives idle turns while the API is idle and busy while people use it (fg.Busy); 0
// means no bound. While people use the API a turn given back rests rest times as long as it
// was held before another batch may take it (the batch's answer is not delayed), so the
// batches take at most 1/(1+rest) of the time a turn gives. With no bound at all it returns
// nil, which admits everything.
func NewTurns(fg *Foreground, idle, busy int, rest float64) *Turns {
	if idle <= 0 && busy <= 0 {
		return nil
	}
	return &Turns{fg: fg, idle: idle, busy: busy, rest: rest, patience: turnsPatience, wake: make(chan struct{}), waiting: map[*turnWaiter]struct{}{}}
}

// maxTurnRest bounds one turn's rest, so a batch that took long does not stop ingest for long.
const maxTurnRest = time.Second

// Busy says whether people are using the API (false for nil Turns).
func (t *Turns) Busy() bool { return t != nil && t.fg.Busy() }

func (t *Turns) limit() int {
	if t.fg.Busy() {
		return t.busy
	}
	return t.idle
}

// turnsLook is how often a waiting batch looks again without a turn given back: the API may
// have gone idle, which gives more turns.
const turnsLook = 20 * time.Millisecond

// Enter waits for a turn for a batch of that many events (or for ctx to end: its error, as
// Unavailable). The returned func gives the turn back. A free turn goes to the smallest batch
// waiting, so a vendor's single live event waits for the part under way and its rest, not
// for the parts of every bulk batch queued beside it: beside four senders' full ingest at
// 10,000 consultants, with people using the app, a probe's one event was accepted in 183–420
// ms (median; up to 1.3 s) before, 33–49 ms after, and it showed on the dashboard within 0.51
// s instead of up to 1.55 s (issue #19, README, fortieth session). A batch that has waited turnsPatience goes ahead of every size, so a
// stream of small batches cannot hold a large one back for longer; among equals, whoever
// looks first when a turn is free takes it.
func (t *Turns) Enter(ctx context.Context, events int) (leave func(), err error) {
	if t == nil {
		return func() {}, nil
	}
	w := &turnWaiter{events: events, since: time.Now()}
	for {
		t.mu.Lock()
		if n := t.limit(); n <= 0 || (t.in < n && t.ahead(w)) {
			t.in++
			t.drop(w)
			t.mu.Unlock()
			took := time.Now()
			return func() { t.leave(took) }, nil
		}
		t.waiting[w] = struct{}{}
		wake := t.wake
		t.mu.Unlock()
		timer := time.NewTimer(turnsLook)
		select {
		case <-wake:
		case <-timer.C:
		case <-ctx.Done():
			timer.Stop()
			t.mu.Lock()
			t.drop(w)
			t.mu.Unlock()
			return nil, Unavailable("the vendors' ingest", ctx.Err())
		}
		timer.Stop()
	}
}

// ahead says whether no other waiting batch goes before w (t.mu held): none smaller, and none
// that has run out of patience while w has not (those go first, the longest waiting first).
func (t *Turns) ahead(w *turnWaiter) bool {
	now := time.Now()
	rank := func(x *turnWaiter) (bool, time.Duration, int) {
		waited := now.Sub(x.since)
		return waited < t.patience, -waited, x.events
	}
	wFresh, wWaited, wEvents := rank(w)
	for x := range t.waiting {
		if x == w {
			continue
		}
		fresh, waited, events := rank(x)
		switch {
		case fresh != wFresh:
			if !fresh {
				return false
			}
		case !fresh:
			if waited < wWaited {
				return false
			}
		case events < wEvents:
			return false
		}
	}
	return true
}

// drop takes w off the waiting list (t.mu held), and wakes the others when it was on it: the
// turn it was first in line for may now be theirs.
func (t *Turns) drop(w *turnWaiter) {
	if _, ok := t.waiting[w]; !ok {
		return
	}
	delete(t.waiting, w)
	close(t.wake)
	t.wake = make(chan struct{})
}

func (t *Turns) leave(took time.Time) {
	if t.rest > 0 && t.fg.Busy() {
		if d := min(time.Duration(float64(time.Since(took))*t.rest), maxTurnRest); d > 0 {
			time.AfterFunc(d, t.free)
			return
		}
	}
	t.free()
}

func (t *Turns) free() {
	t.mu.Lock()
	t.in--
	close(t.wake)
	t.wake = make(chan struct{})
	t.mu.Unlock()
}
