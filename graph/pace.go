package graph

import (
	"context"
	"sync"
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
	lane     lane
}

// lane is shared by all the background work that gives way to one Foreground: while the API is
// busy, one unit of work at a time, and after each the lane rests ratio times as long as the
// unit took. So background work takes at most 1/(1+ratio) of the time however many jobs run.
// Paced one by one, the jobs a commit starts — the counter rebuild, the projection's whole
// reload (two reads at once) and the analysts' earnings — each took a quarter, together a whole
// core of Neo4j's two, and dashboards at 200/s on 200,000 consultants queued for seconds
// behind them (issue #19, README Performance).
type lane struct {
	mu     sync.Mutex
	holder *Pacer
	took   time.Time // when holder took it
	free   time.Time // the lane rests until then
}

// laneHold is how long a holder keeps the lane before another may take it: a loop that ended
// without Done, or one unit that runs long, does not stop the others.
const laneHold = maxRest

// take gives p the lane if it is free and rested; otherwise it says how long to wait at least.
func (l *lane) take(p *Pacer, now time.Time) (bool, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.holder != nil && l.holder != p && now.Sub(l.took) < laneHold {
		return false, laneHold - now.Sub(l.took)
	}
	if now.Before(l.free) {
		return false, l.free.Sub(now)
	}
	l.holder, l.took = p, now
	return true, 0
}

// release ends p's unit of work (if p holds the lane) and rests the lane until at least until.
func (l *lane) release(p *Pacer, until time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.holder == p {
		l.holder = nil
	}
	if until.After(l.free) {
		l.free = until
	}
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
	alone bool // paced on its own, outside the shared lane (GiveWayAlone)
}

// GiveWay marks ctx as background work that rests, while fg is busy, ratio times as long as it
// worked since its last rest (see Pacer). With fg nil or ratio ≤ 0, ctx is returned as is.
func GiveWay(ctx context.Context, fg *Foreground, ratio float64) context.Context {
	if fg == nil || ratio <= 0 {
		return ctx
	}
	return context.WithValue(ctx, paceKey{}, pace{fg: fg, ratio: ratio})
}

// GiveWayAlone is GiveWay for work whose delay people see on their screens, paced on its own
// outside the lane the rest of the background work shares: the live counters' rebuild after a
// commit, during which a dashboard still shows the committed period's volume as new.
func GiveWayAlone(ctx context.Context, fg *Foreground, ratio float64) context.Context {
	if fg == nil || ratio <= 0 {
		return ctx
	}
	return context.WithValue(ctx, paceKey{}, pace{fg: fg, ratio: ratio, alone: true})
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

// Rested is how long the loop's Steps have rested in all while the API was in use.
func (p *Pacer) Rested() time.Duration {
	if p == nil {
		return 0
	}
	return p.rested
}

// Busy says whether a paced loop should give way now (the API is in use).
func (p *Pacer) Busy() bool { return p.Paced() && p.p.fg.Busy() }

// Step ends a unit of work and starts the next. While the API is busy it rests ratio times the
// time worked since the last Step (at most maxRest), and waits for the lane it shares with the
// other background work (see lane): the next unit starts when no other is running and the lane
// has rested. It returns ctx's error when ctx ends while it waits. When the API is idle the
// background runs at full speed, side by side.
func (p *Pacer) Step(ctx context.Context) error {
	if !p.Paced() {
		return nil
	}
	start := time.Now()
	worked := start.Sub(p.since)
	fg := p.p.fg
	until, busy := start, fg.Busy()
	if busy {
		until = start.Add(min(time.Duration(float64(worked)*p.p.ratio), maxRest))
	}
	var err error
	if p.p.alone {
		err = rest(ctx, until.Sub(start))
	} else {
		fg.lane.release(p, until)
		for fg.Busy() {
			ok, wait := fg.lane.take(p, time.Now())
			if ok {
				break
			}
			if err = rest(ctx, min(wait, laneWait)); err != nil {
				break
			}
		}
	}
	if err != nil {
		return err
	}
	if busy {
		p.rested += time.Since(start)
	}
	p.since = time.Now()
	return nil
}

// rest waits d, or until ctx ends (its error).
func rest(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// laneWait is how often a waiting loop looks at the lane (and at whether the API went idle).
const laneWait = 10 * time.Millisecond

// Done ends the loop's last unit of work: the lane is free for the others at once.
func (p *Pacer) Done() {
	if p.Paced() && !p.p.alone {
		p.p.fg.lane.release(p, time.Time{})
	}
}
