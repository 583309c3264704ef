package graph

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// Issue #19: at most n reads are under way at once however many arrive together; one that
// finds no turn within the wait is refused (Busy, 503), one whose caller leaves first is not
// counted as busy, and a turn given back admits the next.
func TestAdmissionBoundsReadsAndRefusesPastTheWait(t *testing.T) {
	ctx := context.Background()
	a := NewAdmission(3, 5*time.Second)
	var in, most atomic.Int64
	var wg sync.WaitGroup
	for i := 0; i < 40; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			leave, err := a.Enter(ctx)
			if err != nil {
				t.Error(err)
				return
			}
			n := in.Add(1)
			for m := most.Load(); n > m && !most.CompareAndSwap(m, n); m = most.Load() {
			}
			time.Sleep(3 * time.Millisecond)
			in.Add(-1)
			leave()
		}()
	}
	wg.Wait()
	if most.Load() != 3 {
		t.Errorf("%d reads under way at once, want at most 3 (and 40 arriving together to reach it)", most.Load())
	}

	b := NewAdmission(1, 40*time.Millisecond)
	leave, err := b.Enter(ctx)
	if err != nil {
		t.Fatal(err)
	}
	t0 := time.Now()
	_, err = b.Enter(ctx)
	if waited := time.Since(t0); !errors.Is(err, ErrBusy) || KindOf(err) != KindUnavailable || waited < 40*time.Millisecond || waited > time.Second {
		t.Errorf("full: %v after %v, want Busy after the 40 ms wait", err, waited)
	}
	gone, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := b.Enter(gone); err == nil || errors.Is(err, ErrBusy) {
		t.Errorf("a caller that left: %v, want unavailable but not busy", err)
	}
	leave()
	if leave, err = b.Enter(ctx); err != nil {
		t.Errorf("a turn given back did not admit the next: %v", err)
	} else {
		leave()
	}

	if NewAdmission(0, time.Second) != nil {
		t.Error("0 reads at once is no bound")
	}
	var none *Admission
	if leave, err := none.Enter(ctx); err != nil {
		t.Errorf("no bound refused: %v", err)
	} else {
		leave()
	}
}
