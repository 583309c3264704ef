package field

import (
	"context"
	"sync"

	"github.com/halo-oss/halo/graph"
)

// keyedQueue lets one caller at a time through per key, in this process. It adds no
// correctness (the store's lock does that, across processes too); it keeps a burst of
// registrations for one gathering from piling up in Neo4j's lock manager, whose waiters back
// off and made each hand-over of the lock take tens of milliseconds.
type keyedQueue struct {
	mu    sync.Mutex
	slots map[string]*queueSlot
}

type queueSlot struct {
	ch    chan struct{} // holds a token while someone is inside
	users int
}

// enter waits for key's turn (or ctx); the returned func leaves.
func (q *keyedQueue) enter(ctx context.Context, key string) (func(), error) {
	q.mu.Lock()
	if q.slots == nil {
		q.slots = map[string]*queueSlot{}
	}
	s := q.slots[key]
	if s == nil {
		s = &queueSlot{ch: make(chan struct{}, 1)}
		q.slots[key] = s
	}
	s.users++
	q.mu.Unlock()
	release := func() {
		q.mu.Lock()
		if s.users--; s.users == 0 {
			delete(q.slots, key)
		}
		q.mu.Unlock()
	}
	select {
	case s.ch <- struct{}{}:
		return func() { <-s.ch; release() }, nil
	case <-ctx.Done():
		release()
		return nil, graph.Unavailable("registrations", ctx.Err())
	}
}
