package payouts

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/halo-oss/halo/engine"
	"github.com/halo-oss/halo/graph"
)

// openSnapshot is the open period's snapshot kept between projections: loaded whole once, then
// brought up to date with what was accepted since (members, sales, cancellations; the small
// collections are read whole with every change, and after a status change or a refund,
// Projector.Stale). A commit reloads it whole (the committed run it was loaded after).
type openSnapshot struct {
	snap        *RunSnapshot
	base        string    // the committed run it follows ("" before the first)
	windowStart time.Time // the activity window it was loaded for (§5)
	cursor      time.Time // Neo4j's clock when last brought up to date
	since       time.Time // where the next read of what was accepted begins (Projector.nextSince)
	loadedAt    time.Time // when it was loaded whole
	dirty       bool      // holds changes no published projection includes yet
	smallStale  bool      // the small collections are to be read again (something new arrived)

	gens    [][8]int32 // members per sponsor generation 1..8, by index in snap.Members
	gensEnd time.Time  // the period end gens were counted for (nil gens: to count)
	gensN   int        // the members counted: the first gensN of snap.Members
	gensAll bool       // every member counted registered before gensEnd

	// pos is each consultant of the last run's result (in member-id order) as an index in
	// snap.Members, kept while the consultants are the same (posIDs).
	pos    []int32
	posIDs []string

	members, prev, sales, cancels *idIndex // id → index in snap's slices

	// memo is what the last update made of the sales: members and sales only ever join at
	// the end of snap's slices, and a row accepted once never changes, so an update reads only
	// the sales accepted since (engine.SalesMemo; issue #19).
	memo engine.SalesMemo

	// read holds the sales each of the last reads of what was accepted returned, by the clock
	// it read up to: the next read leaves out those it would meet again (Delta.Known).
	read []readRefs
}

// readRefs are the references of the sales one read returned, and the clock it read up to.
type readRefs struct {
	until time.Time
	refs  []int64
}

// known lists the sales a read from since may meet again and need not: those returned by the
// reads up to a clock after since (a read returns only what was stamped before its clock).
// The reads that cannot meet it again are forgotten.
func (o *openSnapshot) known(since time.Time) []int64 {
	o.read = slices.DeleteFunc(o.read, func(r readRefs) bool { return !r.until.After(since) })
	n := 0
	for _, r := range o.read {
		n += len(r.refs)
	}
	out := make([]int64, 0, n)
	for _, r := range o.read {
		out = append(out, r.refs...)
	}
	return out
}

// readUp records the sales d returned, read up to until.
func (o *openSnapshot) readUp(until time.Time, d *RunSnapshot) {
	refs := make([]int64, 0, len(d.Sales))
	for _, s := range d.Sales {
		if s.Ref > 0 {
			refs = append(refs, s.Ref)
		}
	}
	o.read = append(o.read, readRefs{until: until, refs: refs})
}

func newOpenSnapshot(snap *RunSnapshot, base string, windowStart, cursor, now time.Time) *openSnapshot {
	// The store streams rows in its own order and the engine takes them in id order (§2). Put
	// in id order once here, the kept snapshot stays so but for what arrives later, appended,
	// which the engine sorts and merges in alone; otherwise every update sorted a million
	// members and millions of sales again (issue #19). Stable: of two states of one member the
	// later wins, as in the engine.
	slices.SortFunc(snap.Members, func(a, b engine.Member) int { return strings.Compare(a.ID, b.ID) })
	slices.SortFunc(snap.Sales, func(a, b engine.Sale) int { return strings.Compare(a.ID, b.ID) })
	slices.SortStableFunc(snap.Prev, func(a, b engine.State) int { return strings.Compare(a.Member, b.Member) })
	o := &openSnapshot{snap: snap, base: base, windowStart: windowStart, cursor: cursor, loadedAt: now, dirty: true}
	o.members = newIDIndex(len(snap.Members), func(i int) string { return o.snap.Members[i].ID })
	o.prev = newIDIndex(len(snap.Prev), func(i int) string { return o.snap.Prev[i].Member })
	o.sales = newIDIndex(len(snap.Sales), func(i int) string { return o.snap.Sales[i].ID })
	o.cancels = newIDIndex(len(snap.Cancellations), func(i int) string { return o.snap.Cancellations[i].ID })
	for i := range snap.Members {
		o.hintMember(i)
	}
	for i := range snap.Sales {
		o.hintSale(i)
	}
	return o
}

// hintMember and hintSale give the engine the index of each member a row names (engine.Member's
// SponsorAt and ParentAt, engine.Sale's MemberAt): looked up once, when the row arrives, instead
// of at every update; at 1M consultants and 2.4M sales the lookups were a third of the engine's
// time (issue #19). A hint the engine cannot confirm is ignored, so a stale one costs only time.
// The id a hint names is replaced by the member's own copy of it, so the engine confirms the
// hint by comparing two pointers, not two strings, and millions of sales keep one copy of each
// member id between them.
func (o *openSnapshot) hintMember(i int) {
	m := &o.snap.Members[i]
	m.SponsorAt, m.ParentAt = o.hint(&m.Sponsor), o.hint(&m.Parent)
}

func (o *openSnapshot) hintSale(i int) {
	sl := &o.snap.Sales[i]
	sl.MemberAt = o.hint(&sl.Member)
}

func (o *openSnapshot) hint(id *string) int32 {
	if k, ok := o.members.get(*id); ok && *id != "" {
		*id = o.snap.Members[k].ID
		return int32(k) + 1
	}
	return 0
}

// apply merges a delta read since o.since (at or before the cursor, so some of it is known already:
// members, sales and cancellations do not change once accepted, so a known id is replaced by
// the same row). It reports whether anything was new; then the small collections are stale.
func (o *openSnapshot) apply(d *RunSnapshot) bool {
	news := false
	s := o.snap
	for _, m := range d.Members {
		news = upsert(&s.Members, o.members, m.ID, m) || news
	}
	for _, m := range d.Members { // once all are in: a new member may sponsor another
		k, _ := o.members.get(m.ID)
		o.hintMember(k)
	}
	for _, p := range d.Prev {
		upsert(&s.Prev, o.prev, p.Member, p)
	}
	for _, x := range d.Sales {
		news = upsert(&s.Sales, o.sales, x.ID, x) || news
		k, _ := o.sales.get(x.ID)
		o.hintSale(k)
	}
	for _, c := range d.Cancellations {
		news = upsert(&s.Cancellations, o.cancels, c.ID, c) || news
	}
	if news {
		// The small collections are read again with anything new: an upgrade's plan change
		// arrives with its sale.
		o.dirty, o.smallStale = true, true
	}
	return news
}

// setSmall takes the small collections read whole (see RunStore.SnapshotSmall).
func (o *openSnapshot) setSmall(d *RunSnapshot) {
	s := o.snap
	s.PlanChanges, s.StatusEvents, s.Refunds, s.Cutover = d.PlanChanges, d.StatusEvents, d.Refunds, d.Cutover
	o.smallStale = false
}

// upsert puts x in the place of its id in xs, or appends it; it reports whether the id is new.
// at indexes xs.
func upsert[T any](xs *[]T, at *idIndex, id string, x T) bool {
	if i, ok := at.get(id); ok {
		(*xs)[i] = x
		return false
	}
	*xs = append(*xs, x)
	at.set(len(*xs) - 1)
	return true
}

// generations counts, for every member, the members registered before end in each of its eight
// sponsor generations below it (the dashboards' downline by generation): eight steps up from
// each member, over indexes. Members only ever join, at the end of snap.Members: while every
// member counted so far registered before the end, newcomers are added to the counts instead of
// counting a million members again at every update (issue #19).
func (o *openSnapshot) generations(end time.Time) [][8]int32 {
	ms := o.snap.Members
	if o.gens != nil && o.gensN == len(ms) && o.gensEnd.Equal(end) {
		return o.gens
	}
	if o.gens != nil && o.gensAll && !end.Before(o.gensEnd) {
		fresh := true
		for _, m := range ms[o.gensN:] {
			fresh = fresh && m.RegisteredAt.Before(end)
		}
		if fresh {
			for len(o.gens) < len(ms) {
				o.gens = append(o.gens, [8]int32{})
			}
			for i := o.gensN; i < len(ms); i++ {
				for g, a := 0, ms[i].SponsorAt; g < 8 && a > 0; g, a = g+1, ms[a-1].SponsorAt {
					o.gens[a-1][g]++
				}
			}
			o.gensN, o.gensEnd = len(ms), end
			return o.gens
		}
	}
	in := make([]bool, len(ms))
	all := true
	for i, m := range ms {
		in[i] = m.RegisteredAt.Before(end)
		all = all && in[i]
	}
	// Up the sponsor line by the hints (hintMember): a member's SponsorAt is its sponsor's
	// index plus one, 0 when the sponsor is not in the snapshot.
	gens := make([][8]int32, len(ms))
	for i := range ms {
		if !in[i] {
			continue
		}
		// A sponsor registered after end is counted but not climbed past (it has no upline yet).
		for g, a := 0, ms[i].SponsorAt; g < 8 && a > 0; g++ {
			gens[a-1][g]++
			if !in[a-1] {
				break
			}
			a = ms[a-1].SponsorAt
		}
	}
	o.gens, o.gensEnd, o.gensN, o.gensAll = gens, end, len(ms), all
	return gens
}

// projectPause is how many consultants project builds between two calls of its pause: at 1M
// the whole build is about 60 ms of a core.
const projectPause = 1 << 12

// project is the projection of a run over the kept snapshot: one allocation for every
// consultant's figures, in member-id order as the run gives them; lines are totalled without
// expanding them. With spare, a projection nobody reads any more, its arrays are reused. pause
// is called every projectPause consultants (the projector rests there while the API is in use).
func (o *openSnapshot) project(res *engine.Result, end, asOf time.Time, spare *Projection, pause func()) *Projection {
	n := len(res.Members)
	proj := &Projection{PeriodEnd: end, AsOf: asOf}
	if spare != nil && cap(spare.IDs) >= n && cap(spare.Items) >= n {
		proj.IDs, proj.Items = spare.IDs[:n], spare.Items[:n]
		for k := 0; k < n; k += projectPause { // cleared in parts: 100 MB at 1M
			pause()
			clear(proj.Items[k:min(k+projectPause, n)])
		}
	} else {
		c := engine.Room(n)
		proj.IDs, proj.Items = make([]string, n, c), make([]Projected, n, c)
	}
	gens := o.generations(end)
	pos := o.positions(res, pause)
	for i := range res.Members {
		if i&(projectPause-1) == 0 {
			pause()
		}
		m := &res.Members[i]
		proj.IDs[i] = m.Member
		it := &proj.Items[i]
		it.State = ProjectedState{Active: m.Active, PersonalVolume: m.PersonalVolume, SponsoredActives: m.SponsoredActives,
			LeftMembers: m.LeftMembers, RightMembers: m.RightMembers}
		it.ByType = res.MemberSums(i)
		if k := pos[i]; k >= 0 {
			it.Generations = gens[k]
		}
	}
	return proj
}

// positions is each of res's consultants as an index in snap.Members (-1: none), looked up
// again only when the consultants changed: a customer signing up changes none.
func (o *openSnapshot) positions(res *engine.Result, pause func()) []int32 {
	same := len(o.posIDs) == len(res.Members)
	for i := 0; same && i < len(res.Members); i++ {
		if i&(projectPause-1) == 0 {
			pause()
		}
		same = o.posIDs[i] == res.Members[i].Member
	}
	if same {
		return o.pos
	}
	o.pos, o.posIDs = make([]int32, len(res.Members)), make([]string, len(res.Members))
	for i := range res.Members {
		if i&(projectPause-1) == 0 {
			pause()
		}
		id := res.Members[i].Member
		o.posIDs[i] = id
		o.pos[i] = -1
		if k, ok := o.members.get(id); ok {
			o.pos[i] = int32(k)
		}
	}
	return o.pos
}

// serves says whether a draft of base over the activity window from windowStart may start from
// this kept snapshot: the projection's own test for whether it may go on updating it rather
// than reload it whole (Projector.update). Before the first commit no sale is accounted, and
// the window only brings accounted sales back in (§5), so any window serves.
func (o *openSnapshot) serves(base string, windowStart time.Time, fullEvery time.Duration) bool {
	return o != nil && o.base == base && (base == "" || o.windowStart.Equal(windowStart)) && time.Since(o.loadedAt) <= fullEvery
}

// catchUp brings the kept snapshot up to the store's clock as a projection's update does (what
// was accepted since its last read), and reads the small collections whole, since a status
// change or a refund may have come since. It is then what LoadSnapshot would read at that
// clock (TestIncrementalProjectionEqualsAWholeReload, TestADraftFromTheKeptSnapshotEqualsOneFromALoad).
// The snapshot is handed over, and the rest of o (its indexes, the engine's memo) let go.
func (o *openSnapshot) catchUp(ctx context.Context, st RunStore, windowStart time.Time) (*RunSnapshot, int, error) {
	clock, err := st.Clock(ctx)
	if err != nil {
		return nil, 0, err
	}
	// A draft reads everything since again, as it always did: the kept references are the
	// projection's, to spare its reads.
	d, err := st.SnapshotDelta(ctx, o.base, Delta{Since: o.since, Until: clock}, windowStart, nil)
	if err != nil {
		return nil, 0, err
	}
	o.apply(d)
	small, err := st.SnapshotSmall(ctx)
	if err != nil {
		return nil, 0, err
	}
	o.setSmall(small)
	snap := o.snap
	*o = openSnapshot{}
	return snap, len(d.Members) + len(d.Sales) + len(d.Cancellations), nil
}

// keepers are the projectors of this service (each registers at its first Refresh), whose kept
// snapshot a draft starts from: brought up to date it is the snapshot the draft would load
// whole, read in about a second where a load takes 15 s at 1M (issue #19).
type keepers struct {
	mu sync.Mutex
	ps []*Projector
}

func (k *keepers) add(p *Projector) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if !slices.Contains(k.ps, p) {
		k.ps = append(k.ps, p)
	}
}

// take has every projector let its kept snapshot go, and returns the first that serves (nil
// when none does). A payout run needs the memory more: at 1M a kept snapshot is about a
// gigabyte, and a heap above the soft limit keeps Go's collector on a core Neo4j needs. The
// next projection reloads it whole, as it does after every commit.
func (k *keepers) take(serves func(*openSnapshot, *Projector) bool) *openSnapshot {
	k.mu.Lock()
	ps := slices.Clone(k.ps)
	k.mu.Unlock()
	var out *openSnapshot
	for _, p := range ps {
		if o := p.letGo("a payout run is under way"); out == nil && o != nil && serves(o, p) {
			out = o
		}
	}
	return out
}

// RunSignal tells every replica that a payout run is under way somewhere in the deployment
// (implemented over Redis): the projection's holder may be another replica than the one drafting.
type RunSignal interface {
	// AnnounceRun marks a run as under way for ttl; it is renewed while the run lasts.
	AnnounceRun(ctx context.Context, marker string, ttl time.Duration) error
	EndRun(ctx context.Context, marker string) error
	RunsUnderway(ctx context.Context) (bool, error)
}

// runSignalTTL is how long a run's marker outlives a replica that died mid-run.
const runSignalTTL = 30 * time.Second

// announce marks a run under way for the whole deployment until the returned func is called;
// without a signal (or with Redis down) only this process knows, through the gate.
func (s *PayoutService) announce(ctx context.Context, what string) func() {
	leave := s.gate.enter()
	if s.Signal == nil {
		return leave
	}
	marker := graph.InstanceName() + ":" + what + ":" + strconv.FormatInt(time.Now().UnixNano(), 36)
	// Each signal is bounded: a Redis outage delays a run by a second at most, never fails it.
	signal := func(f func(context.Context) error) {
		sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Second)
		defer cancel()
		_ = f(sctx)
	}
	announce := func(c context.Context) error { return s.Signal.AnnounceRun(c, marker, runSignalTTL) }
	signal(announce)
	stop := make(chan struct{})
	go func() {
		t := time.NewTicker(runSignalTTL / 3)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				signal(announce)
			}
		}
	}()
	return func() {
		close(stop)
		signal(func(c context.Context) error { return s.Signal.EndRun(c, marker) })
		leave()
	}
}

// runGate lets background work step aside for payout runs in this process: a draft or a commit
// cancels the projection under way and none starts until the run is done. A payout run never
// waits for background work.
type runGate struct {
	mu      sync.Mutex
	active  int
	cancels map[*context.CancelFunc]struct{}
}

// enter marks a payout run as under way; the returned func ends it.
func (g *runGate) enter() func() {
	g.mu.Lock()
	g.active++
	for c := range g.cancels {
		(*c)()
	}
	g.mu.Unlock()
	return func() {
		g.mu.Lock()
		g.active--
		g.mu.Unlock()
	}
}

// background gives background work a context that a payout run cancels; ok is false while one
// is under way. done releases it.
func (g *runGate) background(ctx context.Context) (bctx context.Context, done func(), ok bool) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.active > 0 {
		return nil, nil, false
	}
	if g.cancels == nil {
		g.cancels = map[*context.CancelFunc]struct{}{}
	}
	bctx, cancel := context.WithCancel(ctx)
	key := &cancel
	g.cancels[key] = struct{}{}
	return bctx, func() {
		g.mu.Lock()
		delete(g.cancels, key)
		g.mu.Unlock()
		cancel()
	}, true
}
