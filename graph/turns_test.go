package graph

import (
	"context"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// enterAll sends n callers through t at once, each holding its turn for hold, and returns the
// most that held a turn at the same time.
func enterAll(t *testing.T, turns *Turns, n int, hold time.Duration) int32 {
	t.Helper()
	var in, most atomic.Int32
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			leave, err := turns.Enter(context.Background(), 1)
			if err != nil {
				errs <- err
				return
			}
			now := in.Add(1)
			for m := most.Load(); now > m && !most.CompareAndSwap(m, now); m = most.Load() {
			}
			time.Sleep(hold)
			in.Add(-1)
			leave()
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatalf("a caller was refused a turn: %v", err)
	}
	return most.Load()
}

func TestTurnsBoundTheBatchesAndGiveFewerWhilePeopleUseTheAPI(t *testing.T) {
	var fg Foreground
	turns := NewTurns(&fg, 3, 1, 0)
	if most := enterAll(t, turns, 24, 10*time.Millisecond); most != 3 {
		t.Fatalf("API idle: %d batches at once, want the 3 idle turns used and never more", most)
	}
	leave := fg.Enter() // a consultant's dashboard under way
	if most := enterAll(t, turns, 12, 5*time.Millisecond); most != 1 {
		t.Fatalf("API busy: %d batches at once, want 1", most)
	}

	// A batch waiting while people use the API gets its turn once they stop, without waiting
	// for the one holding a turn.
	first, err := turns.Enter(context.Background(), 1)
	if err != nil {
		t.Fatal(err)
	}
	got := make(chan time.Time, 1)
	go func() {
		second, err := turns.Enter(context.Background(), 1)
		if err == nil {
			got <- time.Now()
			second()
		}
	}()
	select {
	case <-got:
		t.Fatal("a second batch got a turn while the API was busy and the one turn was held")
	case <-time.After(100 * time.Millisecond):
	}
	leave()
	idle := time.Now()
	select {
	case at := <-got:
		if wait := at.Sub(idle); wait > foregroundQuiet+500*time.Millisecond {
			t.Fatalf("the waiting batch got its turn %v after the API went quiet", wait)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the waiting batch never got a turn after the API went idle")
	}
	first()

	// A batch whose request ends while it waits is told so, as Unavailable.
	leave = fg.Enter()
	defer leave()
	held, _ := turns.Enter(context.Background(), 1)
	defer held()
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if _, err := turns.Enter(ctx, 1); KindOf(err) != KindUnavailable {
		t.Fatalf("a waiting batch whose request ended: %v, want unavailable", err)
	}
}

func TestNoTurnsAdmitEveryBatch(t *testing.T) {
	var fg Foreground
	if NewTurns(&fg, 0, 0, 0) != nil {
		t.Fatal("turns without a bound are not nil")
	}
	var none *Turns
	if most := enterAll(t, none, 8, 20*time.Millisecond); most != 8 {
		t.Fatalf("no turns: %d of 8 at once", most)
	}
	// Bounded only while the API is busy: idle, every batch goes at once.
	if most := enterAll(t, NewTurns(&fg, 0, 1, 0), 8, 20*time.Millisecond); most != 8 {
		t.Fatalf("idle with no idle bound: %d of 8 at once", most)
	}
}

// While people use the API a turn given back rests as long as it was held (rest 1) before the
// next batch takes it, without holding up the answer of the batch that gave it back; with the
// API idle it is free at once.
func TestATurnRestsAfterABatchWhilePeopleUseTheAPI(t *testing.T) {
	var fg Foreground
	turns := NewTurns(&fg, 1, 1, 1)
	hold := func() (gave, next time.Duration) {
		leave, err := turns.Enter(context.Background(), 1)
		if err != nil {
			t.Fatal(err)
		}
		time.Sleep(80 * time.Millisecond)
		start := time.Now()
		leave()
		gave = time.Since(start)
		again, err := turns.Enter(context.Background(), 1)
		if err != nil {
			t.Fatal(err)
		}
		next = time.Since(start)
		again()
		return
	}
	if gave, next := hold(); gave > 30*time.Millisecond || next > 60*time.Millisecond {
		t.Fatalf("API idle: giving back took %v, the next turn came %v after it; want both at once", gave, next)
	}
	defer fg.Enter()()
	gave, next := hold()
	if gave > 30*time.Millisecond {
		t.Fatalf("API busy: giving the turn back held the batch's answer %v", gave)
	}
	if next < 70*time.Millisecond || next > 400*time.Millisecond {
		t.Fatalf("API busy: the next turn came %v after a turn held 80 ms was given back, want about 80 ms", next)
	}
}

// A free turn goes to the smallest batch waiting: a vendor's single live event goes before the
// parts of bulk batches that were waiting already. One that has waited out its patience goes
// before any size.
func TestTheSmallestBatchWaitingTakesTheNextTurn(t *testing.T) {
	var fg Foreground
	defer fg.Enter()() // people use the API: one turn
	turns := NewTurns(&fg, 4, 1, 0)
	order := func(sizes []int, gap time.Duration) []int {
		t.Helper()
		held, err := turns.Enter(context.Background(), 1)
		if err != nil {
			t.Fatal(err)
		}
		var mu sync.Mutex
		var got []int
		var wg sync.WaitGroup
		for _, n := range sizes {
			wg.Add(1)
			go func() {
				defer wg.Done()
				leave, err := turns.Enter(context.Background(), n)
				if err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				got = append(got, n)
				mu.Unlock()
				time.Sleep(5 * time.Millisecond)
				leave()
			}()
			time.Sleep(gap) // each is waiting before the next arrives
		}
		held()
		wg.Wait()
		return got
	}
	if got := order([]int{100, 100, 500, 1, 30, 1}, 20*time.Millisecond); !slices.Equal(got, []int{1, 1, 30, 100, 100, 500}) {
		t.Fatalf("turns taken by batches of %v events, want the smallest first", got)
	}

	turns.patience = 150 * time.Millisecond
	if got := order([]int{500, 1, 1, 1}, 60*time.Millisecond); got[0] != 500 {
		t.Fatalf("turns taken by batches of %v events: the one that waited out its patience should go first", got)
	}

	// A small batch that gives up waiting no longer holds the turn back from a larger one.
	held, _ := turns.Enter(context.Background(), 1)
	ctx, cancel := context.WithTimeout(context.Background(), 40*time.Millisecond)
	defer cancel()
	large := make(chan time.Time, 1)
	go func() {
		leave, err := turns.Enter(context.Background(), 100)
		if err == nil {
			large <- time.Now()
			leave()
		}
	}()
	time.Sleep(10 * time.Millisecond)
	if _, err := turns.Enter(ctx, 1); KindOf(err) != KindUnavailable {
		t.Fatalf("a small batch whose request ended: %v, want unavailable", err)
	}
	freed := time.Now()
	held()
	select {
	case at := <-large:
		if wait := at.Sub(freed); wait > 100*time.Millisecond {
			t.Fatalf("the large batch got the turn %v after it was free", wait)
		}
	case <-time.After(2 * time.Second):
		t.Fatal("the large batch never got the turn the small one gave up")
	}
}
