package graph

import (
	"context"
	"errors"
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
