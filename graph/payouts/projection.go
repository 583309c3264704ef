package payouts

import (
	"context"
	"errors"
	"log/slog"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/halo-oss/halo/engine"
	"github.com/halo-oss/halo/graph"
)

// Projected is a consultant's what-if result for the open period: what the next run would pay
// and leave if it were drafted now (PLAN.md §4), plus downline counts. It holds no pointer: a
// million of them are one allocation the garbage collector never scans (issue #19).
type Projected struct {
	State       ProjectedState
	ByType      [8]engine.Units // indexed by engine.LineType
	Generations [8]int32        // members per sponsor generation 1..8
}

// ProjectedState is what the dashboards show of a consultant's what-if state: activity and
// personal volume (§3), sponsored actives and the members in each placement leg.
type ProjectedState struct {
	Active                    bool
	PersonalVolume            engine.Units
	SponsoredActives          int
	LeftMembers, RightMembers int32
}

// Projection is one what-if run: a whole one, every consultant's figures in member-id order
// (IDs, Items), as the projector makes and publishes it; or what a lookup found of it (Members).
type Projection struct {
	PeriodEnd time.Time
	AsOf      time.Time
	Members   map[string]*Projected
	// IDs are sorted; Items[i] is IDs[i]'s. A whole projection at 1M consultants is one
	// allocation and no map (issue #19: building a map of a million at each update cost more
	// than a second).
	IDs   []string
	Items []Projected
}

// Member is id's figures, nil when it has none.
func (p *Projection) Member(id string) *Projected {
	if i, ok := slices.BinarySearch(p.IDs, id); ok {
		return &p.Items[i]
	}
	return p.Members[id]
}

// Each calls f with every member's figures in member-id order.
func (p *Projection) Each(f func(id string, m *Projected)) {
	for i, id := range p.IDs {
		f(id, &p.Items[i])
	}
	ids := make([]string, 0, len(p.Members))
	for id := range p.Members {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, id := range ids {
		f(id, p.Members[id])
	}
}

// ProjectionCache is where the deployment's one projection lives (Redis): the replica that holds
// its lease computes and publishes it, every replica reads it.
type ProjectionCache interface {
	// ProjectionLease takes or renews the lease: the fencing token, or 0 while another holds it.
	ProjectionLease(ctx context.Context, holder string, ttl time.Duration) (int64, error)
	ProjectionRelease(ctx context.Context, holder string) error
	// PublishProjection makes p the current projection, refused with ErrFenced unless token is
	// still the lease's. It keeps no reference to p: the projector reuses p's arrays.
	PublishProjection(ctx context.Context, token int64, p *Projection) error
	// LookupProjection returns the current projection for ids (nil before the first).
	LookupProjection(ctx context.Context, ids []string) (*Projection, error)
	RequestProjection(ctx context.Context) (int64, error)
	ProjectionRequested(ctx context.Context) (int64, error)
}

// AcceptedSignal, when the ProjectionCache has it, carries Projector.Accepted between the
// replicas: whichever replica accepted a sale, the lease holder looks at once.
type AcceptedSignal interface {
	SignalAccepted(ctx context.Context) error
	// OnAccepted runs fn for each signal, from any replica, until ctx ends.
	OnAccepted(ctx context.Context, fn func())
}

// maxRest bounds the projector's rest after an update (see Refresh).
const maxRest = 5 * time.Second

// engineGiveWay is how long the projection's engine rests between its steps per unit of time a
// step worked, while the API is in use (see update).
const engineGiveWay = 1.0

// enginePart is how long the projection's engine works before it rests (see parts); a
// variable for the tests.
var enginePart = 8 * time.Millisecond

// parts paces an update's computing (its engine run and building its projection) while the API
// is in use. The engine offers a rest every few thousand members or sales of each pass
// (engine.Input's Between), and so does the build; a rest is taken once enginePart has been
// worked, as long as it (engineGiveWay). So a dashboard's read waits behind at most about that
// much of the update on a core, where whole steps of 30–240 ms did before (issue #19), and the
// rests are few enough that their timers' lateness adds little to the update.
type parts struct {
	ctx     context.Context
	pacer   *graph.Pacer
	start   time.Time     // of the part under way
	longest time.Duration // the longest part so far
}

func newParts(ctx context.Context) *parts {
	return &parts{ctx: ctx, pacer: graph.NewPacer(ctx), start: time.Now()}
}

// offer ends the part under way if it has lasted enginePart, and rests.
func (w *parts) offer() {
	worked := time.Since(w.start)
	if worked < enginePart {
		return
	}
	w.longest = max(w.longest, worked)
	_ = w.pacer.Step(w.ctx) // the context's end is seen once the run is over
	w.start = time.Now()
}

// rested is how long the rests took in all so far.
func (w *parts) rested() time.Duration { return w.pacer.Rested() }

// longestPart is the longest part, the one under way included.
func (w *parts) longestPart() time.Duration { return max(w.longest, time.Since(w.start)) }

// Projector recomputes the projection in the background: at start, then whenever events were
// accepted since the last one, looking every Interval. It keeps the open period's snapshot and
// reads only what was accepted since (see openSnapshot), so a projection is as fresh as the
// engine is fast. Dashboards read it without waiting. With
// Shared set, one replica of the deployment (the lease holder) computes it and publishes it
// there, and every replica reads the same one; without, it lives in this process.
type Projector struct {
	Payouts  *PayoutService
	Log      *slog.Logger
	Interval time.Duration // how often it looks for accepted events (default 500 ms)
	Shared   ProjectionCache
	Holder   string        // this replica's name in the lease (default: host, process, random)
	LeaseTTL time.Duration // default 10 s
	// FirstRound opens once Run's first projection is over (a standby's first look at the
	// lease). halod waits for it before it reports ready.
	FirstRound graph.Latch

	// FullEvery bounds how long the kept snapshot is only updated, never reloaded whole
	// (default 1 hour): a safety net, as every change that is not an acceptance (a status
	// change, a refund) has the small collections read again.
	FullEvery time.Duration
	// Each read of what was accepted begins where no write still to commit can have stamped
	// anything earlier: at the oldest write still open when the read's clock was taken
	// (RunStore.OldestOpenAccept), or at that clock when none is open, less Margin (default 1 s,
	// for a clock set back a little). Overlap (default 10 s) is re-read before the clock instead
	// when the store cannot say which writes are open: a write is stamped when it begins and
	// seen when it commits, so it must then outlast any write transaction.
	Margin  time.Duration
	Overlap time.Duration
	// KeepScratch is how long the engine's working memory and the last projection's arrays are
	// kept after the last update, for the next (default 1 minute). Under a stream of events an
	// update allocates about a sixth of what it did without them, so Go's collector runs about
	// a third as often beside the dashboards; a quiet system gives the memory back (at 1M
	// consultants about 600 MB, issue #19).
	KeepScratch time.Duration

	reloads, updates atomic.Int64 // projections made from a whole reload, and from an update

	mu         sync.RWMutex
	current    *Projection
	openMu     sync.Mutex    // held by Refresh throughout, and by a payout run taking open (letGo)
	open       *openSnapshot // Refresh's own, but for a payout run taking it (letGo)
	stale      atomic.Bool
	token      int64
	wantSeen   int64
	computedAt time.Time
	restUntil  time.Time
	took       struct{ read, engine, rested, longest, build, publish time.Duration } // of the last projection, for its log line
	delta      struct {                                                              // the last update's read, for its log line
		rows  int           // members, sales and cancellations read
		back  time.Duration // how far before its clock it began
		known int           // sales it was told it need not read again (Delta.Known)
	}
	overlapping bool          // the last nextSince fell back to Overlap (Refresh's own)
	wake        chan struct{} // Accepted: something was accepted (here, or on another replica)
	tell        chan struct{} // Accepted: to be told the other replicas (AcceptedSignal)
	wakeInit    sync.Once
	published   *Projection    // the last one published to Shared; only Refresh reads it
	parts       *parts         // the last update's computing (Refresh's own)
	scratch     engine.Scratch // the engine's working memory, from one update to the next
	spareDelta  *RunSnapshot   // the last update's read, applied: the next is read into its arrays
}

// keepDelta is the most rows a read of what was accepted may hold to be kept for the next
// (spareDelta): a few seconds of full ingest at 1M consultants, where reading into new arrays
// was 81 MB of the 1.1 GB halod allocated in 20 s (issue #19). A larger one, after a pause,
// is let go.
const keepDelta = 50_000

// freeScratch lets go of what the updates keep from one to the next (the engine's working
// memory and the last published projection's arrays).
func (p *Projector) freeScratch(why string) {
	if n := p.scratch.Size(); n > 0 || p.published != nil {
		p.scratch.Free()
		p.published, p.spareDelta = nil, nil
		p.Log.Debug("earnings projection's working memory freed", "why", why, "mb", n>>20)
	}
}

// letGo hands over the kept snapshot (nil when none) and frees the working memory kept with it,
// once a projection under way has stopped: a payout run has cancelled it (runGate), so that is
// at most the rest of an engine run.
func (p *Projector) letGo(why string) *openSnapshot {
	p.openMu.Lock()
	defer p.openMu.Unlock()
	o := p.open
	p.open = nil
	p.freeScratch(why)
	return o
}

// Stale makes the next refresh recompute although no sale arrived: a status change or a refund
// changes who earns and what is open (PLAN.md §10, §11). Any replica may say so; the holder
// recomputes.
func (p *Projector) Stale() {
	p.stale.Store(true)
	if p.Shared != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		_, _ = p.Shared.RequestProjection(ctx)
	}
}

// Accepted says this process just accepted something the projection reads (a sale, a member, a
// cancellation): an idle Run looks at once (see await) instead of at its next poll, up to
// Interval later (at 10,000 consultants that wait was half of a sale's way to its dashboard,
// issue #19). With an AcceptedSignal the other replicas are told too, so the lease holder looks
// wherever the sale came in. It never blocks.
func (p *Projector) Accepted() {
	p.init()
	poke(p.wake)
	poke(p.tell)
}

// poke leaves a signal on c unless one is already waiting there.
func poke(c chan struct{}) {
	select {
	case c <- struct{}{}:
	default:
	}
}

func (p *Projector) init() {
	p.wakeInit.Do(func() { p.wake, p.tell = make(chan struct{}, 1), make(chan struct{}, 1) })
}

// signal tells the other replicas what Accepted heard, one publication at a time: under a
// stream of sales the signals in between fold into the next. A failure is only logged once in a
// row; the holder's poll covers what is lost.
func (p *Projector) signal(ctx context.Context, sig AcceptedSignal) {
	failing := false
	for {
		select {
		case <-ctx.Done():
			return
		case <-p.tell:
		}
		c, cancel := context.WithTimeout(ctx, time.Second)
		err := sig.SignalAccepted(c)
		cancel()
		if err != nil && !failing && ctx.Err() == nil {
			p.Log.Warn("could not tell the other replicas that a sale was accepted; they see it at their next poll", "error", err)
		}
		failing = err != nil
	}
}

// await waits for the next poll, or for Accepted when the projector is idle: its rest after the
// last projection is over and Interval has passed since that one began. While updates follow
// one another (a stream of sales) the poll keeps their pace, so a stream of wakes does not take
// more of the machine from ingest than the polls did.
func (p *Projector) await(ctx context.Context, poll <-chan time.Time) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-poll:
			return
		case <-p.wake:
			if now := time.Now(); !now.Before(p.restUntil) && !now.Before(p.computedAt.Add(p.Interval)) {
				return
			}
		}
	}
}

func (p *Projector) defaults() {
	if p.Interval == 0 {
		p.Interval = 500 * time.Millisecond
	}
	if p.FullEvery == 0 {
		p.FullEvery = time.Hour
	}
	if p.Margin == 0 {
		p.Margin = time.Second
	}
	if p.Overlap == 0 {
		p.Overlap = 10 * time.Second
	}
	if p.KeepScratch == 0 {
		p.KeepScratch = time.Minute
	}
	if p.LeaseTTL == 0 {
		p.LeaseTTL = 10 * time.Second
	}
	if p.Holder == "" {
		p.Holder = graph.InstanceName()
	}
}

// Lookup returns the projection of ids: from the deployment's shared one, or this process's.
func (p *Projector) Lookup(ctx context.Context, ids []string) (*Projection, error) {
	if p.Shared != nil {
		return p.Shared.LookupProjection(ctx, ids)
	}
	cur := p.Current()
	if cur == nil {
		return nil, nil
	}
	out := &Projection{PeriodEnd: cur.PeriodEnd, AsOf: cur.AsOf, Members: make(map[string]*Projected, len(ids))}
	for _, id := range ids {
		if m := cur.Member(id); m != nil {
			out.Members[id] = m
		}
	}
	return out, nil
}

// runElsewhere says whether another replica announced a payout run under way (the deployment's
// RunSignal); an unreachable signal counts as none, so projections go on without Redis.
func (p *Projector) runElsewhere(ctx context.Context) bool {
	if p.Payouts.Signal == nil {
		return false
	}
	busy, err := p.Payouts.Signal.RunsUnderway(ctx)
	return err == nil && busy
}

// Counts says how many projections this process made from a whole reload of the open period's
// snapshot, and how many from bringing the kept one up to date.
func (p *Projector) Counts() (reloads, updates int64) { return p.reloads.Load(), p.updates.Load() }

// Current returns the latest projection (nil before the first one).
func (p *Projector) Current() *Projection {
	p.mu.RLock()
	defer p.mu.RUnlock()
	return p.current
}

// Run keeps the projection fresh until ctx ends.
func (p *Projector) Run(ctx context.Context) {
	p.defaults()
	interval := p.Interval
	if p.Shared != nil {
		// Renewed beside the refreshes: a projection of a million consultants outlasts the TTL.
		released := graph.KeepLease(ctx, p.Log, "earnings projection", p.LeaseTTL,
			func(ctx context.Context) (int64, error) { return p.Shared.ProjectionLease(ctx, p.Holder, p.LeaseTTL) },
			func(ctx context.Context) { _ = p.Shared.ProjectionRelease(ctx, p.Holder) })
		defer func() { <-released }()
		if interval > p.LeaseTTL {
			// A standby checks the lease often enough to take over within seconds; the holder
			// still recomputes at most every Interval (Refresh decides).
			interval = p.LeaseTTL / 2
		}
	}
	p.init()
	if sig, ok := p.Shared.(AcceptedSignal); ok {
		go p.signal(ctx, sig)
		go sig.OnAccepted(ctx, func() { poke(p.wake) })
	}
	poll := time.NewTimer(interval)
	defer poll.Stop()
	for {
		// After each projection it rests as long as that took (see Refresh).
		if !time.Now().Before(p.restUntil) {
			if err := p.Refresh(ctx, false); err != nil && ctx.Err() == nil {
				p.Log.Warn("projection failed; retried later", "error", err)
			}
		}
		p.FirstRound.Open()
		poll.Reset(interval)
		p.await(ctx, poll.C)
		if ctx.Err() != nil {
			return
		}
	}
}

// Refresh recomputes when anything changed since the last projection (or when forced); with a
// shared projection, only on the replica that holds its lease.
func (p *Projector) Refresh(ctx context.Context, force bool) error {
	p.defaults()
	p.Payouts.keepers.add(p)
	p.openMu.Lock()
	defer p.openMu.Unlock()
	var want int64
	if p.Shared != nil {
		token, err := p.Shared.ProjectionLease(ctx, p.Holder, p.LeaseTTL)
		if err != nil {
			return err
		}
		if token == 0 {
			p.token = 0
			return nil
		}
		if token != p.token {
			p.token, force = token, true // a new holder publishes its own before trusting "nothing changed"
		}
		if want, err = p.Shared.ProjectionRequested(ctx); err != nil {
			return err
		}
		if want != p.wantSeen {
			p.stale.Store(true) // asked for elsewhere: like Stale here, at the next due time
		}
		if !force && time.Since(p.computedAt) < p.Interval {
			return nil // recomputed at most every Interval, however often the lease is checked
		}
	}
	// Background work yields to payout runs: none starts while a draft or a commit is under way
	// in this process, and one starting cancels this.
	parent := ctx
	ctx, done, ok := p.Payouts.gate.background(ctx)
	if !ok {
		// The kept snapshot is the run's: a draft takes it, a commit lets it go (keepers.take).
		p.freeScratch("a payout run is under way")
		return nil
	}
	defer done()
	if p.runElsewhere(ctx) {
		return nil
	}
	started := time.Now()
	res, o, end, asOf, full, err := p.update(ctx, force)
	if err == nil && res == nil && time.Since(p.computedAt) > p.KeepScratch {
		p.freeScratch("nothing accepted for a while")
	}
	if err != nil || res == nil {
		if errors.Is(err, context.Canceled) && parent.Err() == nil {
			p.Log.Info("earnings projection yielded to a payout run; resumed after it")
			return nil
		}
		return err
	}
	p.computedAt = started
	// A published projection is read from the cache, never from this process: the last one's
	// arrays serve again (about 150 MB at 1M consultants, issue #19).
	var spare *Projection
	if p.Shared != nil {
		spare = p.published
	}
	proj := o.project(res, end, asOf, spare, p.parts.offer)
	p.took.build = time.Since(started) - p.took.read - p.took.engine
	p.took.longest = p.parts.longestPart()
	t2 := time.Now()
	if p.Shared != nil {
		pub := ctx
		if full {
			pub = p.givingWay(ctx)
		}
		if err := p.Shared.PublishProjection(pub, p.token, proj); err != nil {
			if errors.Is(err, ErrFenced) {
				p.token = 0
				return nil
			}
			return err
		}
		p.wantSeen = want
		p.took.publish = time.Since(t2)
		// Every replica reads the published one: this process keeps only when it was made.
		p.published = proj
		proj = &Projection{PeriodEnd: proj.PeriodEnd, AsOf: proj.AsOf}
	}
	p.mu.Lock()
	p.current = proj
	p.open.dirty = false
	p.mu.Unlock()
	// After an update, rest as long as it took, up to maxRest: under a steady stream of events
	// the projection keeps to about half of one core (ingest and dashboards have the rest) and
	// is at most about twice its own computing time late. A whole reload is rare and leaves
	// the events accepted meanwhile to catch up on at once.
	if !full {
		p.restUntil = time.Now().Add(min(time.Since(started)-p.parts.rested(), maxRest))
	}
	lvl := slog.LevelDebug
	if full {
		lvl = slog.LevelInfo
		p.reloads.Add(1)
	} else {
		p.updates.Add(1)
	}
	p.Log.Log(ctx, lvl, "earnings projection refreshed", "period_end", end.Format(time.RFC3339), "consultants", len(res.Members), "shared", p.Shared != nil,
		"reloaded", full, "read", p.took.read.Round(time.Millisecond), "engine", p.took.engine.Round(time.Millisecond),
		"engine_rested", p.took.rested.Round(time.Millisecond), "engine_longest_part", p.took.longest.Round(time.Millisecond),
		"build", p.took.build.Round(time.Millisecond), "publish", p.took.publish.Round(time.Millisecond),
		"lag", time.Since(asOf).Round(time.Millisecond), "elapsed", time.Since(started).Round(time.Millisecond),
		"delta_rows", p.delta.rows, "delta_from", p.delta.back.Round(time.Millisecond), "delta_known", p.delta.known, "sales_read", p.open.memo.Read())
	return nil
}

// givingWay is ctx for a whole reload and its publication: while the dashboards are asked for,
// its reads and writes rest (graph.GiveWay), as it reads and writes the whole open period. An
// update is not paced. Its work is what was accepted since the last, so resting does not make
// it any smaller: it only makes the next one larger. Under full ingest at 10,000 consultants
// with a dashboard being polled, paced updates read for 2-15 s each and a sale took 5.6-14.5 s
// (median) to show; unpaced, 0.6-0.7 s and 1.4-2.8 s (issue #19).
func (p *Projector) givingWay(ctx context.Context) context.Context {
	return graph.GiveWay(ctx, p.Payouts.Foreground, p.Payouts.GiveWay)
}

// update brings the kept snapshot up to date and runs the engine over it: reloaded whole the
// first time, after a commit and every FullEvery; otherwise only what was accepted since is
// read, and the small collections when marked stale. A nil result means nothing changed.
// nextSince is where the read after one up to clock begins (Margin): before any stamp a write
// still open at clock may commit, so nothing accepted is missed, and no earlier, so that under
// a stream of events a read no longer takes in the last ten seconds of them again each time
// (40,000 rows at 4,000 events/s; issue #19).
func (p *Projector) nextSince(ctx context.Context, clock time.Time) time.Time {
	oldest, open, err := p.Payouts.Store.OldestOpenAccept(ctx)
	if err != nil {
		if !p.overlapping {
			p.Log.Warn("the store cannot list the writes still open; the projection re-reads a fixed overlap", "overlap", p.Overlap, "error", err)
		}
		p.overlapping = true
		return clock.Add(-p.Overlap)
	}
	p.overlapping = false
	return readFrom(clock, oldest, open, p.Margin)
}

// readFrom is where a read of what was accepted begins after one whose clock was clock, when
// the oldest write still open (asked after that clock) began at oldest: nothing stamped before
// it can still commit. Less margin, for a clock set back a little. The projection and the live
// counters both read so.
func readFrom(clock, oldest time.Time, open bool, margin time.Duration) time.Time {
	if open && oldest.Before(clock) {
		clock = oldest
	}
	return clock.Add(-margin)
}

func (p *Projector) update(ctx context.Context, force bool) (res *engine.Result, o *openSnapshot, end, asOf time.Time, full bool, err error) {
	t0 := time.Now()
	last, err := p.Payouts.Store.LastCommitted(ctx)
	if err != nil {
		return
	}
	var start *time.Time
	base := ""
	end = p.Payouts.Now().UTC()
	if last != nil {
		st := last.PeriodEnd
		start, base = &st, last.ID
		end = last.PeriodEnd.AddDate(0, 0, p.Payouts.Plan.CadenceDays)
	}
	windowStart := end.AddDate(0, 0, -p.Payouts.Plan.ActivityWindowDays)
	o = p.open
	stale := p.stale.Swap(false)
	// Before the first commit the period ends now, and no sale is accounted yet, so the window
	// (which only brings accounted sales back in, §5) moving with it changes nothing.
	full = o == nil || o.base != base || (last != nil && !o.windowStart.Equal(windowStart)) || time.Since(o.loadedAt) > p.FullEvery
	if stale && !full {
		// A status change or a refund is recorded beside the members and sales, never in them
		// (the recorded sponsor and the plan at registration stay; §10, §11): the small
		// collections read again say it all. A whole reload at 1M read Neo4j for tens of seconds.
		o.smallStale, o.dirty = true, true
	}
	var clock time.Time
	if clock, err = p.Payouts.Store.Clock(ctx); err != nil {
		p.stale.Store(p.stale.Load() || stale)
		return
	}
	next := p.nextSince(ctx, clock)
	if full {
		var loaded *RunSnapshot
		if loaded, err = p.Payouts.Store.LoadSnapshot(p.givingWay(ctx), base, end, windowStart); err != nil {
			p.stale.Store(p.stale.Load() || stale)
			return
		}
		o = newOpenSnapshot(loaded, base, windowStart, clock, time.Now())
		o.since = next
		p.delta.rows, p.delta.back, p.delta.known = 0, 0, 0
		p.open = o
	} else {
		var d *RunSnapshot
		known := o.known(o.since)
		if d, err = p.Payouts.Store.SnapshotDelta(ctx, base, Delta{Since: o.since, Until: clock, Known: known}, windowStart, p.spareDelta); err != nil {
			return
		}
		p.spareDelta = nil
		p.delta.rows, p.delta.back, p.delta.known = len(d.Members)+len(d.Sales)+len(d.Cancellations), clock.Sub(o.since), len(known)
		var small *RunSnapshot
		news := o.apply(d)
		o.readUp(clock, d) // in the snapshot now
		if news || o.smallStale {
			if small, err = p.Payouts.Store.SnapshotSmall(ctx); err != nil {
				return
			}
			o.setSmall(small)
		}
		if max(cap(d.Members), cap(d.Sales), cap(d.Cancellations)) <= keepDelta {
			p.spareDelta = d // apply copied its rows
		}
		o.cursor, o.since = clock, next
		if !o.dirty && !force && p.Current() != nil {
			return nil, nil, end, o.cursor, false, nil
		}
	}
	if err = ctx.Err(); err != nil {
		return
	}
	if p.runElsewhere(ctx) {
		// A run began on another replica while this read: the engine waits for it to end.
		return nil, o, end, o.cursor, full, context.Canceled
	}
	p.took.read = time.Since(t0)
	t1 := time.Now()
	// The projection reads each consultant's totals, never a line: at 1M the lines would be
	// 0.7 GB beside the kept snapshot (issue #19, halod's peak memory). Its working arrays and
	// its members are the last update's (engine.Scratch): a result is read once, by project.
	p.scratch.ReuseResults = true
	// In parts of enginePart the engine rests as long as each part took while the API is in use
	// (parts). Without rests the engine held one of two cores for a second, Neo4j had the other
	// for every dashboard and sale, and the dashboards' reads queued toward the end of each run;
	// with a rest only between its steps (30–240 ms each at 1M) the reads still queued behind
	// a step (issue #19). At most it doubles the engine's time; it never waits for other
	// background work.
	ratio := engineGiveWay
	if p.Payouts.GiveWay <= 0 { // HALO_BACKGROUND_GIVE_WAY=0: background work never rests
		ratio = 0
	}
	p.parts = newParts(graph.GiveWayAlone(ctx, p.Payouts.Foreground, ratio))
	res, err = p.Payouts.computeFrom(o.snap, start, end, true, &p.scratch, &o.memo, p.parts.offer)
	p.took.rested = p.parts.rested()
	if err != nil {
		return
	}
	p.took.engine = time.Since(t1)
	return res, o, end, o.cursor, full, ctx.Err()
}
