package graph

import (
	"context"
	"errors"
	"slices"
	"sync"
	"testing"
	"time"
)

func TestForegroundIsBusyWhileARequestRunsAndMomentsAfter(t *testing.T) {
	var fg Foreground
	if fg.Busy() {
		t.Fatal("busy before any request")
	}
	leave := fg.Enter()
	if !fg.Busy() {
		t.Fatal("not busy during a request")
	}
	leave()
	if !fg.Busy() {
		t.Fatal("idle the moment a request ended: a steady stream of requests would look idle between them")
	}
	time.Sleep(foregroundQuiet + 50*time.Millisecond)
	if fg.Busy() {
		t.Fatal("still busy after the quiet time")
	}
	var none *Foreground
	if none.Busy() {
		t.Fatal("a nil Foreground is busy")
	}
}

func TestPacerRestsOnlyWhileTheAPIIsBusy(t *testing.T) {
	ctx := context.Background()
	// Not marked as background work: never rests.
	p := NewPacer(ctx)
	if p.Paced() || p.Busy() {
		t.Fatal("a context without GiveWay is paced")
	}
	time.Sleep(20 * time.Millisecond)
	start := time.Now()
	if err := p.Step(ctx); err != nil || time.Since(start) > 5*time.Millisecond {
		t.Fatalf("unpaced step rested %v (err %v)", time.Since(start), err)
	}
	if got := GiveWay(ctx, nil, 3); got != ctx {
		t.Fatal("GiveWay without a Foreground changed the context")
	}

	var fg Foreground
	bg := GiveWay(ctx, &fg, 3)

	// Idle API: full speed.
	p = NewPacer(bg)
	if !p.Paced() || p.Busy() {
		t.Fatal("paced loop: Paced or Busy wrong while idle")
	}
	time.Sleep(20 * time.Millisecond)
	start = time.Now()
	if err := p.Step(bg); err != nil || time.Since(start) > 5*time.Millisecond || p.rested != 0 {
		t.Fatalf("rested %v while the API was idle (err %v)", time.Since(start), err)
	}

	// Busy API: rests three times the work since the last step.
	leave := fg.Enter()
	defer leave()
	if !p.Busy() {
		t.Fatal("not busy during a request")
	}
	time.Sleep(30 * time.Millisecond)
	start = time.Now()
	if err := p.Step(bg); err != nil {
		t.Fatal(err)
	}
	rested := time.Since(start)
	if rested < 85*time.Millisecond || rested > 400*time.Millisecond || p.rested < 85*time.Millisecond {
		t.Fatalf("rested %v (counted %v) after 30 ms of work at ratio 3, want about 90 ms", rested, p.rested)
	}

	// A rest ends with its context.
	cctx, cancel := context.WithTimeout(bg, 30*time.Millisecond)
	defer cancel()
	p = NewPacer(cctx)
	time.Sleep(100 * time.Millisecond) // 300 ms of rest due
	start = time.Now()
	if err := p.Step(cctx); !errors.Is(err, context.DeadlineExceeded) || time.Since(start) > 200*time.Millisecond {
		t.Fatalf("step under an ending context: %v after %v", err, time.Since(start))
	}
}

// Issue #19: the background jobs that share a Foreground take turns while the API is busy, and
// the lane rests after each unit, so together they take the share one job would, not one each.
func TestBackgroundJobsShareOneLaneWhileTheAPIIsBusy(t *testing.T) {
	var fg Foreground
	leave := fg.Enter()
	defer leave()
	bg := GiveWay(context.Background(), &fg, 3)
	const n, units, unit = 3, 6, 10 * time.Millisecond
	type span struct{ from, to time.Time }
	var mu sync.Mutex
	var spans []span
	// jobs runs three jobs of six units each, every unit a Step after the last, and says how
	// long they took together.
	jobs := func() time.Duration {
		start := time.Now()
		var wg sync.WaitGroup
		for range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				p := NewPacer(bg)
				defer p.Done()
				if err := p.Step(bg); err != nil { // waits for the lane before the first unit
					t.Error(err)
					return
				}
				for range units {
					from := time.Now()
					time.Sleep(unit)
					mu.Lock()
					spans = append(spans, span{from, time.Now()})
					mu.Unlock()
					if err := p.Step(bg); err != nil {
						t.Error(err)
						return
					}
				}
			}()
		}
		wg.Wait()
		return time.Since(start)
	}
	elapsed := jobs()
	slices.SortFunc(spans, func(a, b span) int { return a.from.Compare(b.from) })
	for i := 1; i < len(spans); i++ {
		if spans[i].from.Before(spans[i-1].to) {
			t.Fatalf("units %d and %d ran at once: %v–%v and %v–%v", i-1, i, spans[i-1].from, spans[i-1].to, spans[i].from, spans[i].to)
		}
	}
	// 18 units of 10 ms, each followed by a rest of about 30 ms: about 720 ms in a row. Paced
	// one by one the three jobs would have finished in about 240 ms.
	if elapsed < 600*time.Millisecond {
		t.Fatalf("three jobs of %d units took %v: the lane did not rest between units", units, elapsed)
	}

	// With the API idle they run side by side at full speed.
	leave()
	time.Sleep(foregroundQuiet + 20*time.Millisecond)
	spans = nil
	if elapsed := jobs(); elapsed > 150*time.Millisecond {
		t.Fatalf("idle API: three jobs of %d units of %v took %v, want about 60 ms", units, unit, elapsed)
	}
}

// A holder that never ends its unit (a loop that stopped without Done) keeps the lane at most
// laneHold; then the others go on.
func TestALaneHeldTooLongIsTaken(t *testing.T) {
	var fg Foreground
	leave := fg.Enter()
	defer leave()
	bg := GiveWay(context.Background(), &fg, 3)
	stuck := NewPacer(bg)
	if err := stuck.Step(bg); err != nil { // takes the lane, and never steps or ends
		t.Fatal(err)
	}
	other := NewPacer(bg)
	start := time.Now()
	if err := other.Step(bg); err != nil {
		t.Fatal(err)
	}
	if waited := time.Since(start); waited < laneHold-100*time.Millisecond || waited > laneHold+time.Second {
		t.Fatalf("waited %v for a lane held by a stopped loop, want about %v", waited, laneHold)
	}
}

// Work paced alone (GiveWayAlone) rests as before but does not wait for the shared lane.
func TestWorkPacedAloneDoesNotWaitForTheLane(t *testing.T) {
	var fg Foreground
	leave := fg.Enter()
	defer leave()
	shared := GiveWay(context.Background(), &fg, 3)
	holder := NewPacer(shared)
	if err := holder.Step(shared); err != nil { // holds the lane, never lets go
		t.Fatal(err)
	}
	alone := GiveWayAlone(context.Background(), &fg, 3)
	p := NewPacer(alone)
	defer p.Done()
	time.Sleep(20 * time.Millisecond)
	start := time.Now()
	if err := p.Step(alone); err != nil {
		t.Fatal(err)
	}
	if rested := time.Since(start); rested < 50*time.Millisecond || rested > 500*time.Millisecond {
		t.Fatalf("rested %v after 20 ms of work at ratio 3 beside a held lane, want about 60 ms", rested)
	}
}
