package graph

import (
	"context"
	"sync/atomic"
	"time"
)

// Foreground counts the API requests under way, so background work can give way to the people
// using Halo: a consultant's dashboard comes before a projection reload or the analysts'
// earnings, which can finish a little later without anyone waiting on them.
//
// Measured on the 1M network with Neo4j warm (README, Performance): dashboards at 200/s with
// nothing else running had a p99 of 17–26 ms; beside the projection's whole reload 3.2 s, and
// beside the analysts' earnings 8.1 s with 351 requests refused: both read gigabytes through
// Neo4j's page cache at full speed.
type Foreground struct {
	inflight atomic.Int64
	last     atomic.Int64 // UnixNano of the last request's start or end
}

// Enter marks a request under way until the returned func is called.
func (f *Foreground) Enter() (leave func()) {
	f.inflight.Add(1)
	f.last.Store(time.Now().UnixNano())
	return func() {
		f.last.Store(time.Now().UnixNano())
		f.inflight.Add(-1)
	}
}

// foregroundQuiet is how long after the last request the API counts as idle.
const foregroundQuiet = 250 * time.Millisecond

// Busy says whether people are using the API: a request is under way or ended moments ago.
func (f *Foreground) Busy() bool {
	if f == nil {
		return false
	}
	return f.inflight.Load() > 0 || time.Since(time.Unix(0, f.last.Load())) < foregroundQuiet
}

type paceKey struct{}

type pace struct {
	fg    *Foreground
	ratio float64
}

// GiveWay marks ctx as background work that rests, while fg is busy, ratio times as long as it
// worked since its last rest (see Pacer). With fg nil or ratio ≤ 0, ctx is returned as is.
func GiveWay(ctx context.Context, fg *Foreground, ratio float64) context.Context {
	if fg == nil || ratio <= 0 {
		return ctx
	}
	return context.WithValue(ctx, paceKey{}, pace{fg, ratio})
}

// Pacer paces one loop of background work: call Step between units of work (a batch written, a
// few thousand rows read). Without GiveWay in the context it never rests.
type Pacer struct {
	p      pace
	since  time.Time
	rested time.Duration // the rests in all
}

// maxRest bounds one rest, so a long unit of work does not stall the loop for long.
const maxRest = 2 * time.Second

// NewPacer starts pacing the loop ctx belongs to.
func NewPacer(ctx context.Context) *Pacer {
	p, _ := ctx.Value(paceKey{}).(pace)
	return &Pacer{p: p, since: time.Now()}
}

// Paced says whether Step may rest at all.
func (p *Pacer) Paced() bool { return p != nil && p.p.fg != nil }

// Busy says whether a paced loop should give way now (the API is in use).
func (p *Pacer) Busy() bool { return p.Paced() && p.p.fg.Busy() }

// Step rests, while the API is busy, ratio times the time worked since the last Step, at most
// maxRest; it returns ctx's error when ctx ends during the rest. When the API is idle the
// background runs at full speed.
func (p *Pacer) Step(ctx context.Context) error {
	if !p.Paced() {
		return nil
	}
	worked := time.Since(p.since)
	if p.p.fg.Busy() {
		rest := min(time.Duration(float64(worked)*p.p.ratio), maxRest)
		t := time.NewTimer(rest)
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C:
		}
		p.rested += rest
	}
	p.since = time.Now()
	return nil
}
