package graph

import (
	"context"
	"errors"
	"time"
)

// Admission bounds how many of the API's reads are under way at once, and how long one waits
// for its turn: past that it is refused at once with 503 and Retry-After, rather than queued
// where nobody can see it. Neo4j does the work of every read, on the same cores as ingest and
// the background work; when reads arrive faster than it answers (right after a restart, with
// its JIT and caches cold and the start-up rebuilds running), a queue without a bound grows
// until every request waits out the driver's 5 s for a connection, twice (the session check,
// then the page), and then fails. Measured in issue #19 at 100 dashboards/s in the first 40 s
// after a restart: p50 10 s, 1,102 of 3,000 refused after waiting; with 16 turns, p50 0.95 s
// and 555 refused within a second. A turn is held for the whole request, so when everything
// stalls for a few seconds (Neo4j replanning a query under load) the reads arriving meanwhile
// are refused instead of answered late: beside a trickle of ingest at 100 dashboards/s, 16
// turns served only 59 a second and 64 refused 487 in one stall. Hence opt-in.
type Admission struct {
	slots chan struct{}
	wait  time.Duration
}

// NewAdmission admits n reads at once, each waiting at most wait for its turn. n of 0 admits
// everything at once.
func NewAdmission(n int, wait time.Duration) *Admission {
	if n <= 0 {
		return nil
	}
	return &Admission{slots: make(chan struct{}, n), wait: wait}
}

// Enter takes a turn, or answers Busy when none frees within the wait (or ctx ends first).
// The returned func gives the turn back.
func (a *Admission) Enter(ctx context.Context) (leave func(), err error) {
	if a == nil {
		return func() {}, nil
	}
	select {
	case a.slots <- struct{}{}:
		return a.leave, nil
	default:
	}
	t := time.NewTimer(a.wait)
	defer t.Stop()
	select {
	case a.slots <- struct{}{}:
		return a.leave, nil
	case <-t.C:
		return nil, Busy()
	case <-ctx.Done():
		return nil, Unavailable("the API", ctx.Err())
	}
}

func (a *Admission) leave() { <-a.slots }

// ErrBusy is the cause of Busy: the API answers it with Retry-After.
var ErrBusy = errors.New("at capacity")

// Busy is the refusal of a request that found Halo at capacity: 503, and a message that says
// to try again rather than that something is down.
func Busy() *Error {
	return &Error{Kind: KindUnavailable, Message: "Halo is busy answering other requests; try again in a moment", Err: ErrBusy}
}
