package payouts

import (
	"context"
	"errors"
	"log/slog"
	"math"
	"sync"
	"time"

	"github.com/halo-oss/halo/graph"
)

// Open-period volume (PLAN.md §3–4): the BV of sales no committed run has accounted, not
// cancelled, from the cutover on. Redis keeps it live per consultant as personal volume and left
// and right leg volume; Neo4j stays the truth and the counters can always be rebuilt from it.

// VolumeChange is one committed change of open-period volume at consultant S.
type VolumeChange struct {
	ID         string // sale id, or cancellation id
	Member     string // S
	BV         int64  // hundredths; negative for a cancellation
	AcceptedAt time.Time
	// ViaSponsor says S is the sponsor of the customer the sale is for: if S is terminated, the
	// sale counts at the next sponsor above S that is not (PLAN.md §10 roll-up).
	ViaSponsor bool
}

// VolumeSnapshot is the whole open period at one instant.
type VolumeSnapshot struct {
	At      time.Time      // the snapshot's own clock reading (Neo4j's)
	Changes []VolumeChange // every counted sale and cancellation
}

// VolumeFeed reads volume from Neo4j.
type VolumeFeed interface {
	// ChangesSince returns the sales and cancellations accepted at or after since, plus Neo4j's
	// clock at the time of reading.
	ChangesSince(ctx context.Context, since time.Time) ([]VolumeChange, time.Time, error)
	// Clock and OldestOpenAccept are RunStore's: Neo4j's clock, and the stamp of the oldest
	// write still open that stamps what it accepts (false when none is). Asked after the clock
	// and before a read, nothing the read misses is stamped before the earlier of the two.
	Clock(ctx context.Context) (time.Time, error)
	OldestOpenAccept(ctx context.Context) (time.Time, bool, error)
	// Snapshot reads every change that makes up the open period, in one transaction.
	Snapshot(ctx context.Context) (*VolumeSnapshot, error)
	// Parents returns the placement parent, leg and depth of ids and of their ancestors, up to
	// some levels above each (callers repeat for what is still missing).
	Parents(ctx context.Context, ids []string) (map[string]ParentLink, error)
	// AllParents streams every consultant's placement (one pass, for the first rebuild).
	AllParents(ctx context.Context, fn func(id string, p ParentLink)) error
	// Terminated maps every consultant terminated by now to its own sponsor (PLAN.md §10).
	Terminated(ctx context.Context) (map[string]string, error)
}

// Progress is where the holder's rollup stands, kept in Redis with the counters it describes,
// so a replica that takes the lease over (or halod started again) goes on from there instead
// of rebuilding from every open sale (issue #19: at a million consultants the start-up rebuild
// read Neo4j for 1.5 minutes while the first people signed in).
type Progress struct {
	// Cursor is where the next read starts.
	Cursor time.Time
	// Counted holds the changes counted since the last write that were accepted at or after
	// Cursor (for Replace: all of them); a read from Cursor returns them again, and they are
	// not counted twice.
	Counted map[string]time.Time
	// Forgot lists changes no longer kept: accepted before the new Cursor, no read returns them.
	Forgot []string
	// Served is the number of rebuilds asked for (CounterCache.Requested) that the set
	// answers; a set that answers fewer is rebuilt, not resumed. Replace records it.
	Served int64
}

// LegVolume is the volume one ancestor's legs gain (each member appears once).
type LegVolume struct {
	ID          string
	Left, Right int64
}

// A long left leg keeps its members' left leg volume in sums instead of in each member's own
// counter. A sale deep in the placement tree adds to the leg volume of every ancestor, and an
// extreme-left leg (the bench network's is 100,000 deep, and extreme-left placement builds
// them in real networks) made every tick's rollup write a counter per member of the leg, about
// nine tenths of Redis's work beside full ingest at 1M (issue #19). Along a left leg whose top
// is the member at position 0, what enters the leg at position p (the member's own volume and
// its right leg's) is left leg volume for every member at positions 0 to p−1; kept as a Fenwick
// tree over the positions from pathSumsFrom on, that is at most log₂ of the leg's length
// increments, and a member's left leg volume is the sum of as many of its nodes.
//
// PathSum is an increment of node Node of the sums of the left leg whose top is Top.
type PathSum struct {
	Top  string
	Node int32
	V    int64
}

// PathMark says that ID's left leg volume is read from the sums of the left leg whose top is
// Top, from node First on (PathSumNodes); its own left counter still holds what was counted
// before it was marked.
type PathMark struct {
	ID, Top string
	First   int32
}

// PathSumNodes lists the nodes of a leg's sums whose values add up to the left leg volume of
// the member marked with first.
func PathSumNodes(first int32) []int32 {
	var out []int32
	for j := int64(first); j > 0 && j <= math.MaxInt32; j += j & -j {
		out = append(out, int32(j))
	}
	return out
}

// Rollup is what a tick, or a rebuild, adds to the counters: personal volume per member, leg
// volume per ancestor, the increments of long left legs' sums and the marks of the members
// newly placed on them.
type Rollup struct {
	PV    map[string]int64
	Legs  []LegVolume
	Sums  []PathSum
	Marks []PathMark
}

// ParentLink is one step up the placement tree.
type ParentLink struct {
	Parent string
	Left   bool
	Depth  int64
}

// Counters is a consultant's live open-period volume.
type Counters struct {
	MemberID string `json:"member_id"`
	PV       int64  `json:"-"`
	Left     int64  `json:"-"`
	Right    int64  `json:"-"`
}

// CounterCache is the Redis side, shared by every replica of halod.
type CounterCache interface {
	graph.Pinger
	// Lease takes or renews the one writer's lease for ttl: the fencing token while holder has
	// it (unchanged while it renews, a new and larger one when it takes it), 0 while another
	// holds it.
	Lease(ctx context.Context, holder string, ttl time.Duration) (token int64, err error)
	Release(ctx context.Context, holder string) error
	// Apply adds to the current counters and records the holder's progress with them: the
	// counts and the progress are recorded in one atomic write and the counts then applied, so
	// readers may see them a moment after the progress, and the counts of a holder that stops in
	// between are applied by its successor's next Apply. Replace swaps in a complete new set with
	// its progress atomically. Both are refused with ErrFenced unless token is still the lease's.
	Apply(ctx context.Context, token int64, r Rollup, p Progress) error
	Replace(ctx context.Context, token int64, r Rollup, p Progress) (generation int64, err error)
	// Resume is the current set's number and the progress recorded with it; nil when there is
	// none (Redis lost its data, or the set was built before progress was recorded).
	Resume(ctx context.Context) (generation int64, p *Progress, err error)
	Read(ctx context.Context, ids []string) (map[string]Counters, error)
	// Generation is the current complete set's number; ok is false after Redis lost its data.
	Generation(ctx context.Context) (gen int64, ok bool, err error)
	// RequestRebuild asks the holder, wherever it runs, to rebuild; Requested counts the asks.
	RequestRebuild(ctx context.Context) (int64, error)
	Requested(ctx context.Context) (int64, error)
}

// ErrFenced is a write refused because the writer no longer holds the counters' lease.
var ErrFenced = errors.New("live counters: the lease moved to another replica")

// LiveCounters keeps the Redis counters up to date. Every replica runs one; only the holder of the
// counters' lease (a fencing token from Redis) rolls changes up and rebuilds, the others read. A
// replica that takes the lease over rebuilds first: what the previous holder had counted within
// its window lived in its memory, so only a fresh generation is exact by construction.
type LiveCounters struct {
	Feed     VolumeFeed
	Cache    CounterCache
	Log      *slog.Logger
	Interval time.Duration // rollup period (default 1s)
	// Each tick reads from the oldest write still open when the last tick began its read (or
	// that tick's clock when none was), less Margin (default 1s): nothing committed late is
	// missed, however long its transaction, and ids already counted from there on are
	// remembered, so none is counted twice (issue #19).
	Margin time.Duration
	// When the feed cannot list its open writes, a tick re-reads an overlap instead: Window
	// (default 30s, longer than any ingest transaction) every FullEvery-th tick (default 10),
	// Recent (default 2s) the others. At 5,000 events/s re-reading 30 s every second was 150,000
	// rows a second from Neo4j.
	Window    time.Duration
	Recent    time.Duration
	FullEvery int
	// Foreground and GiveWay pace a rebuild's reads while the API is in use (graph.GiveWay).
	Foreground *graph.Foreground
	GiveWay    float64
	// Holder names this replica in the lease (default: host, process and a random part);
	// LeaseTTL is how long a silent holder keeps it (default 10s): another replica takes over
	// within that after the holder dies.
	Holder   string
	LeaseTTL time.Duration
	// FirstRound opens once Run's first tick is over: the holder's takeover or rebuild and first
	// rollup, a standby's first look at the lease. halod waits for it before it reports ready.
	FirstRound graph.Latch

	token     int64 // the lease's fencing token while this replica holds it, else 0
	wantSeen  int64 // rebuild requests already served
	mu        sync.Mutex
	tree      *placement
	cursor    time.Time
	seen      map[string]time.Time // change ids already counted within the window
	needBuild bool
	ticks     int
	last      time.Time         // Neo4j's clock at the last read (zero: read the whole window next)
	floored   bool              // the cursor is the oldest open write's (Margin), not the Window's
	gen       int64             // the generation this process built and keeps up to date
	rolledUp  map[string]string // terminated consultant -> its sponsor, read at each rebuild
	// allParents: every placement was read once; the tree only grows after that (placement
	// never changes).
	allParents bool
}

func (l *LiveCounters) defaults() {
	if l.Interval == 0 {
		l.Interval = time.Second
	}
	if l.Margin == 0 {
		l.Margin = time.Second
	}
	if l.Window == 0 {
		l.Window = 30 * time.Second
	}
	if l.Recent == 0 {
		l.Recent = 2 * time.Second
	}
	if l.FullEvery == 0 {
		l.FullEvery = 10
	}
	if l.tree == nil {
		l.tree = newPlacement()
	}
	if l.LeaseTTL == 0 {
		l.LeaseTTL = 10 * time.Second
	}
	if l.Holder == "" {
		l.Holder = graph.InstanceName()
	}
}

// Run rebuilds, then rolls changes up every Interval until ctx ends. Failures never stop it: a
// Redis failure marks the counters for a rebuild, done as soon as Redis answers again.
func (l *LiveCounters) Run(ctx context.Context) {
	l.mu.Lock()
	l.defaults()
	l.needBuild = true
	l.mu.Unlock()
	t := time.NewTicker(l.Interval)
	defer t.Stop()
	// The lease is renewed beside the ticks too, so a rebuild that outlasts the TTL (about 20 s
	// at a million consultants) does not lose it halfway.
	released := graph.KeepLease(ctx, l.Log, "live counters", l.LeaseTTL,
		func(ctx context.Context) (int64, error) { return l.Cache.Lease(ctx, l.Holder, l.LeaseTTL) },
		func(ctx context.Context) { _ = l.Cache.Release(ctx, l.Holder) })
	defer func() { <-released }()
	for {
		if err := l.Tick(ctx); err != nil && ctx.Err() == nil {
			l.Log.Warn("live counters: will retry", "error", err)
		}
		l.FirstRound.Open()
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// Tick does one rollup (or the pending rebuild) if this replica holds the lease.
func (l *LiveCounters) Tick(ctx context.Context) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.defaults()
	token, err := l.Cache.Lease(ctx, l.Holder, l.LeaseTTL)
	if err != nil {
		l.needBuild = true
		return err
	}
	if token == 0 {
		if l.token != 0 {
			l.Log.Info("live counters: another replica holds the lease; reading only", "holder", l.Holder)
		}
		l.token = 0
		return nil
	}
	want, err := l.Cache.Requested(ctx)
	if err != nil {
		l.needBuild = true
		return err
	}
	if token != l.token {
		l.token = token
		l.takeOver(ctx, want)
	}
	if want != l.wantSeen {
		l.needBuild = true
	}
	if !l.needBuild {
		gen, ok, err := l.Cache.Generation(ctx)
		switch {
		case err != nil:
			l.needBuild = true
			return err
		case !ok:
			l.Log.Warn("live counters: Redis lost its data; rebuilding from Neo4j")
			l.needBuild = true
		case gen != l.gen:
			// Only a holder switches generations, and a new holder rebuilds: this one lost the
			// lease and got it back in between. Rebuild rather than guess.
			l.Log.Info("live counters: the generation moved while this replica held the lease; rebuilding")
			l.needBuild = true
		}
	}
	if l.needBuild {
		if err := l.rebuild(ctx, want); err != nil {
			return l.fence(err)
		}
		l.needBuild, l.wantSeen = false, want
		return nil
	}
	since := l.cursor
	if l.ticks++; !l.floored && l.ticks%l.FullEvery != 0 && !l.last.IsZero() {
		if r := l.last.Add(-l.Recent); r.After(since) {
			since = r
		}
	}
	// The next read's start is decided before this read: a write that commits between this
	// read and a later ask would be in neither, and its stamp (its start) may be any age.
	clock, err := l.Feed.Clock(ctx)
	if err != nil {
		return err
	}
	floor := l.floor(ctx, clock)
	changes, now, err := l.Feed.ChangesSince(ctx, since)
	if err != nil {
		return err
	}
	var fresh []VolumeChange
	for _, c := range changes {
		if _, dup := l.seen[c.ID]; !dup {
			fresh = append(fresh, c)
		}
	}
	var r Rollup
	if len(fresh) > 0 {
		if r, err = l.aggregate(ctx, fresh); err != nil {
			return err
		}
	}
	// The counts and the progress that includes them are one write: a holder that dies between
	// two ticks leaves Redis exactly where its successor resumes.
	cursor, floored := l.next(now, floor)
	p := Progress{Cursor: cursor, Counted: make(map[string]time.Time, len(fresh))}
	for _, c := range fresh {
		if !c.AcceptedAt.Before(cursor) {
			p.Counted[c.ID] = c.AcceptedAt
		}
	}
	for id, at := range l.seen {
		if at.Before(cursor) {
			p.Forgot = append(p.Forgot, id)
		}
	}
	if len(fresh) > 0 || len(p.Forgot) > 0 || !cursor.Equal(l.cursor) {
		if err := l.Cache.Apply(ctx, l.token, r, p); err != nil {
			l.needBuild = true
			return l.fence(err)
		}
	}
	for id, at := range p.Counted {
		l.seen[id] = at
	}
	for _, id := range p.Forgot {
		delete(l.seen, id)
	}
	l.last, l.cursor, l.floored = now, cursor, floored
	return nil
}

// takeOver is the first tick as the lease's holder: it goes on from the progress recorded with
// the current counters when they answer every rebuild asked for so far (want), and rebuilds
// otherwise. Recorded progress is exact by construction: every write of counts carried it, the
// fence refused the former holder's writes from the moment this one took the lease, and the
// read from its cursor returns whatever was committed since, however late.
func (l *LiveCounters) takeOver(ctx context.Context, want int64) {
	gen, p, err := l.Cache.Resume(ctx)
	switch {
	case err != nil:
		l.Log.Warn("live counters: cannot read the last holder's progress; rebuilding", "error", err)
	case p == nil:
		l.Log.Info("live counters: this replica holds the lease; no progress recorded, rebuilding before rolling up", "holder", l.Holder, "token", l.token)
	case p.Served != want:
		l.Log.Info("live counters: this replica holds the lease; a rebuild was asked for, rebuilding before rolling up", "holder", l.Holder, "token", l.token)
	default:
		rolledUp, err := l.Feed.Terminated(ctx)
		if err == nil {
			err = l.readTree(ctx)
		}
		if err != nil {
			l.Log.Warn("live counters: cannot read the tree or the terminations; rebuilding", "error", err)
			break
		}
		// This process may have marked members for another set: marking again is harmless.
		l.tree.forgetMarks()
		l.rolledUp, l.gen, l.wantSeen, l.needBuild = rolledUp, gen, want, false
		l.seen, l.cursor, l.floored, l.last = p.Counted, p.Cursor, true, time.Time{}
		if l.seen == nil {
			l.seen = map[string]time.Time{}
		}
		l.Log.Info("live counters: this replica holds the lease; going on where the last holder stopped", "holder", l.Holder, "token", l.token,
			"generation", gen, "from", p.Cursor, "counted_since", len(p.Counted))
		return
	}
	l.needBuild = true
}

// floor is where the next tick reads from when this one's read begins after clock: the oldest
// write still open (asked after clock, before the read) or clock, less Margin. Whatever the read
// misses commits after it began, so it was open at the ask or began after clock. Zero when the
// feed cannot say, and then the Window is re-read as before.
func (l *LiveCounters) floor(ctx context.Context, clock time.Time) time.Time {
	oldest, open, err := l.Feed.OldestOpenAccept(ctx)
	if err != nil {
		if l.floored || l.ticks <= 1 {
			l.Log.Warn("live counters: the store cannot list the writes still open; re-reading a fixed window", "window", l.Window, "error", err)
		}
		return time.Time{}
	}
	return readFrom(clock, oldest, open, l.Margin)
}

// fence turns a refused write into giving up the lease quietly: another replica holds it now.
func (l *LiveCounters) fence(err error) error {
	if errors.Is(err, ErrFenced) {
		l.Log.Info("live counters: the lease moved to another replica", "holder", l.Holder)
		l.token = 0
		return nil
	}
	return err
}

// next is where the cursor moves after a read at now: to floor, or when it is zero to now −
// Window. The ids older than it are forgotten: no read from there on returns them again.
func (l *LiveCounters) next(now, floor time.Time) (cursor time.Time, floored bool) {
	if !floor.IsZero() {
		return floor, true
	}
	return now.Add(-l.Window), false
}

// Rebuild is halod rebuild-counters: when no replica holds the lease it takes it, rebuilds and
// hands it back; otherwise it asks the holder to rebuild (done within a second).
func (l *LiveCounters) Rebuild(ctx context.Context) (bool, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.defaults()
	token, err := l.Cache.Lease(ctx, l.Holder, l.LeaseTTL)
	if err != nil {
		return false, err
	}
	if token == 0 {
		_, err := l.Cache.RequestRebuild(ctx)
		return false, err
	}
	defer func() { _ = l.Cache.Release(context.WithoutCancel(ctx), l.Holder) }()
	want, err := l.Cache.Requested(ctx)
	if err != nil {
		return false, err
	}
	l.token = token
	err = l.rebuild(ctx, want)
	l.token = 0
	return err == nil, err
}

// rebuild counts the whole open period into a new set, recorded as answering the first want
// rebuilds asked for.
func (l *LiveCounters) rebuild(ctx context.Context, want int64) error {
	start := time.Now()
	// A rebuild reads every placement and every open change: while people use the API it
	// gives way to them; the counters already published serve meanwhile. After a commit those
	// still show the committed volume as new, so it is paced on its own instead of taking turns
	// with the projection's reload and the analysts' earnings (graph.GiveWayAlone): sharing
	// their lane it took 2 minutes at 200,000 consultants, alone 5–15 s (issue #19).
	ctx = graph.GiveWayAlone(ctx, l.Foreground, l.GiveWay)
	err := l.readTree(ctx)
	if err != nil {
		return err
	}
	if l.rolledUp, err = l.Feed.Terminated(ctx); err != nil {
		return err
	}
	snap, err := l.Feed.Snapshot(ctx)
	if err != nil {
		return err
	}
	// A new set of counters has no marks: the rollup of the whole period marks every member on
	// a long left leg it reaches, and each later tick the members it reaches first.
	l.tree.forgetMarks()
	r, err := l.aggregate(ctx, snap.Changes)
	if err != nil {
		return err
	}
	cursor, floored := l.next(snap.At, time.Time{})
	seen := map[string]time.Time{}
	for _, c := range snap.Changes {
		if !c.AcceptedAt.Before(cursor) {
			seen[c.ID] = c.AcceptedAt
		}
	}
	gen, err := l.Cache.Replace(ctx, l.token, r, Progress{Cursor: cursor, Counted: seen, Served: want})
	if err != nil {
		return err
	}
	l.gen, l.seen, l.cursor, l.floored, l.last = gen, seen, cursor, floored, time.Time{}
	l.Log.Info("live counters rebuilt from Neo4j", "changes", len(snap.Changes), "consultants", len(r.PV), "legs", len(r.Legs), "leg_sums", len(r.Sums), "marked", len(r.Marks), "elapsed", time.Since(start).Round(time.Millisecond))
	return nil
}

// aggregate turns changes into personal volume per S and leg volume per ancestor. Every
// ancestor path is walked once however many changes share it: volume is pushed up the union of
// the paths in order of decreasing depth.
func (l *LiveCounters) aggregate(ctx context.Context, changes []VolumeChange) (Rollup, error) {
	pv := map[string]int64{}
	for _, c := range changes {
		pv[l.effective(c)] += c.BV
	}
	starts := make([]string, 0, len(pv))
	for id := range pv {
		starts = append(starts, id)
	}
	if err := l.loadParents(ctx, starts); err != nil {
		return Rollup{}, err
	}
	legs, sums, marks := l.tree.rollUp(pv)
	for id := range pv {
		if pv[id] == 0 {
			delete(pv, id)
		}
	}
	return Rollup{PV: pv, Legs: legs, Sums: sums, Marks: marks}, nil
}

// effective is where a change counts: S, or for a customer's sale whose sponsor is terminated,
// the next sponsor above it that is not (§10: the run attributes it in the rolled-up tree).
func (l *LiveCounters) effective(c VolumeChange) string {
	s := c.Member
	if !c.ViaSponsor {
		return s
	}
	// A chain of terminated sponsors is at most as long as the map; the bound guards a cycle.
	for range len(l.rolledUp) {
		up, terminated := l.rolledUp[s]
		if !terminated || up == "" {
			break
		}
		s = up
	}
	return s
}

// readTree reads every consultant's placement once, in one streamed pass (a rebuild, or a holder
// going on from recorded progress). Learning the tree as changes arrive instead, 64 levels per
// lookup, made the first rollups after a restart take 3–52 s each at 200,000 consultants (issue
// #19); the pass takes half a second there on a quiet Neo4j, 3–6 s beside the projection's
// start-up reload. Placement never changes, and new members are learned as their changes arrive.
func (l *LiveCounters) readTree(ctx context.Context) error {
	if l.allParents {
		return nil
	}
	if err := l.Feed.AllParents(ctx, l.tree.set); err != nil {
		return err
	}
	l.allParents = true
	return nil
}

// loadParents fills the parent cache for ids and all their ancestors (placement never changes,
// so the cache never goes stale).
func (l *LiveCounters) loadParents(ctx context.Context, ids []string) error {
	var missing []string
	for _, id := range ids {
		if !l.tree.has(id) {
			missing = append(missing, id)
		}
	}
	for len(missing) > 0 {
		got, err := l.Feed.Parents(ctx, graph.Unique(missing))
		if err != nil {
			return err
		}
		for id, p := range got {
			l.tree.set(id, p)
		}
		var next []string
		for id := range got {
			if p := got[id].Parent; p != "" && !l.tree.has(p) {
				next = append(next, p)
			}
		}
		for _, id := range missing {
			if !l.tree.has(id) {
				l.tree.set(id, ParentLink{}) // gone or not a consultant: a root of its own
			}
		}
		missing = next
	}
	return nil
}

// Read returns the live counters of ids (zero where nothing moved this period).
func (l *LiveCounters) Read(ctx context.Context, ids []string) (map[string]Counters, error) {
	out, err := l.Cache.Read(ctx, ids)
	if err != nil {
		return nil, graph.Unavailable("redis", err)
	}
	return out, nil
}

// Invalidate makes the holder rebuild at its next tick, whichever replica calls it (after a payout
// commit, accounted volume leaves the open period; after a termination, a refund or a status
// change, attribution or volume moves). If Redis cannot take the request, this replica rebuilds
// when it next holds the lease, and every holder rebuilds after Redis comes back anyway.
func (l *LiveCounters) Invalidate() {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if _, err := l.Cache.RequestRebuild(ctx); err != nil {
		l.mu.Lock()
		l.needBuild = true
		l.mu.Unlock()
	}
}
