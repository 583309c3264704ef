package field

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/halo-oss/halo/graph"
)

func TestKeyedQueue(t *testing.T) {
	var q keyedQueue
	var inside, most atomic.Int32
	var wg sync.WaitGroup
	for i := 0; i < 50; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			leave, err := q.enter(context.Background(), "ev-1")
			if err != nil {
				t.Error(err)
				return
			}
			if n := inside.Add(1); n > most.Load() {
				most.Store(n)
			}
			time.Sleep(100 * time.Microsecond)
			inside.Add(-1)
			leave()
		}()
	}
	wg.Wait()
	if most.Load() != 1 {
		t.Errorf("%d callers inside at once", most.Load())
	}
	if len(q.slots) != 0 {
		t.Errorf("slots left behind: %d", len(q.slots))
	}
	// Other keys do not wait; a waiter gives up with its context.
	leave, _ := q.enter(context.Background(), "ev-1")
	other, err := q.enter(context.Background(), "ev-2")
	if err != nil {
		t.Fatal(err)
	}
	other()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
	defer cancel()
	if _, err := q.enter(ctx, "ev-1"); graph.KindOf(err) != graph.KindUnavailable {
		t.Errorf("a waiter past its deadline: %v", err)
	}
	leave()
	if len(q.slots) != 0 {
		t.Errorf("slots left behind: %d", len(q.slots))
	}
}
