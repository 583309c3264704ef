package payouts

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/halo-oss/halo/engine"
	"github.com/halo-oss/halo/graph"
)

// The kept snapshot brought up to date with what was accepted gives exactly the projection a
// whole reload gives, whatever arrives, in whatever order and however refreshes fall between,
// and however long a write stays open between its stamp and its commit (a third of them here
// stay open across up to eight later events, far beyond the fixed overlap the projection
// falls back to).
func TestIncrementalProjectionEqualsAWholeReload(t *testing.T) {
	ctx := context.Background()
	knownLeft := 0
	for seed := uint64(1); seed <= 25; seed++ {
		st, rng, now := seeded(seed, 7)
		inc := &Projector{Payouts: payoutService(st, now), Log: quiet, Overlap: 3 * time.Second}
		// The same, published to a cache: it reuses its arrays from one publication to the next.
		kept := &keptProjections{}
		pub := &Projector{Payouts: payoutService(st, now), Log: quiet, Overlap: 3 * time.Second, Shared: kept, Interval: time.Nanosecond}
		reused, checked, lastRun := 0, 0, 0
		refresh := func(step int) {
			before := pub.published
			reloads, updates := inc.Counts()
			defer func() {
				// An update's engine reads only the sales accepted since the last (engine.SalesMemo).
				r, u := inc.Counts()
				n := len(inc.open.snap.Sales)
				if r == reloads && u > updates && inc.open.memo.Read() != n-lastRun {
					t.Fatalf("seed %d step %d: the engine read %d sales, %d were new", seed, step, inc.open.memo.Read(), n-lastRun)
				}
				if u > updates {
					checked++
				}
				if r > reloads || u > updates {
					lastRun = n
				}
			}()
			for _, p := range []*Projector{inc, pub} {
				if err := p.Refresh(ctx, false); err != nil {
					t.Fatalf("seed %d step %d: %v", seed, step, err)
				}
			}
			if got, want := kept.last, inc.Current(); !reflect.DeepEqual(got.IDs, want.IDs) || !reflect.DeepEqual(got.Items, want.Items) {
				t.Fatalf("seed %d step %d: published %d consultants unlike the one kept here (%d)", seed, step, len(got.IDs), len(want.IDs))
			}
			if before != nil && pub.published != before && len(before.Items) > 0 && &pub.published.Items[0] == &before.Items[0] {
				reused++
			}
		}
		refresh(-1)
		h := newHistory(rng, st, now)
		for step := 0; step < 40; step++ {
			h.step(step)
			if rng.IntN(3) == 0 {
				refresh(step)
			}
		}
		h.commitDue(40)
		refresh(40)
		if kept.n < 2 || reused == 0 || checked == 0 || st.refilled == 0 {
			t.Fatalf("seed %d: published %d times, reusing the arrays %d times, %d updates, %d reads into a former delta", seed, kept.n, reused, checked, st.refilled)
		}
		if inc.open.loadedAt.IsZero() || len(inc.open.snap.Sales) != len(st.snap.Sales) {
			t.Fatalf("seed %d: the kept snapshot has %d sales of %d", seed, len(inc.open.snap.Sales), len(st.snap.Sales))
		}
		whole := &Projector{Payouts: payoutService(st, now), Log: quiet}
		if err := whole.Refresh(ctx, false); err != nil {
			t.Fatal(err)
		}
		got, want := inc.Current(), whole.Current()
		if len(got.IDs) == 0 || !reflect.DeepEqual(got.IDs, want.IDs) {
			t.Fatalf("seed %d: projected %v, a whole reload %v", seed, got.IDs, want.IDs)
		}
		for i, id := range want.IDs {
			if !reflect.DeepEqual(got.Items[i], want.Items[i]) {
				t.Fatalf("seed %d: %s projected %+v, a whole reload %+v", seed, id, got.Items[i], want.Items[i])
			}
		}
		knownLeft += st.knownLeft
	}
	// The reads overlap (a write left open holds the next one's start back): the sales an
	// earlier read returned are left out of the later ones, and the projections stay equal.
	if knownLeft == 0 {
		t.Fatal("no read left out a sale an earlier one had returned")
	}
}

// seeded is a store with the fixed network, its clock at the test's start, a random stream of
// its own for seed, and a time six days on (the projections' now).
func seeded(seed, stream uint64) (*memRuns, *rand.Rand, time.Time) {
	st := newMemRuns()
	st.clock = start
	return st, rand.New(rand.NewPCG(seed, stream)), start.AddDate(0, 0, 6)
}

// history drives a random stream of what a network accepts into a store: consultants joining
// under a free leg with their packs, customers signing up, activations, cancellations. A third
// of the writes stay open across up to eight later events before they commit with their stamp.
type history struct {
	rng         *rand.Rand
	st          *memRuns
	now         time.Time
	free        map[string][]engine.Leg
	consultants []string
	acts        []string
	cancelled   map[string]bool
	open        []openWrite
}

type openWrite struct {
	h, due  int
	members []engine.Member
	sales   []engine.Sale
	cancels []engine.Cancellation
	done    func() // what the write makes possible once committed (a sponsor, a leg, an activation to cancel)
}

func newHistory(rng *rand.Rand, st *memRuns, now time.Time) *history {
	return &history{rng: rng, st: st, now: now, free: map[string][]engine.Leg{"ana": {engine.LegLeft, engine.LegRight}, "ben": {engine.LegLeft, engine.LegRight}},
		consultants: []string{"root", "ana", "ben"}, cancelled: map[string]bool{}}
}

func (h *history) accept(step int, members []engine.Member, sales []engine.Sale, cancels []engine.Cancellation, done func()) {
	if h.rng.IntN(3) > 0 {
		h.st.accept(members, sales, cancels)
		done()
		return
	}
	h.open = append(h.open, openWrite{h.st.begin(), step + 1 + h.rng.IntN(8), members, sales, cancels, done})
}

// commitDue commits the open writes due by step.
func (h *history) commitDue(step int) {
	h.open = slices.DeleteFunc(h.open, func(w openWrite) bool {
		if w.due > step {
			return false
		}
		h.st.commit(w.h, w.members, w.sales, w.cancels)
		w.done()
		return true
	})
}

// step sends one random event (ids made from step, which must not repeat) and commits the
// writes due.
func (h *history) step(step int) {
	rng := h.rng
	at := func() time.Time { return start.Add(time.Duration(rng.IntN(5*24)) * time.Hour) }
	switch k := rng.IntN(4); {
	case k == 0: // a consultant joins under someone with a free leg, with a pack
		var parent string
		for p, legs := range h.free {
			if len(legs) > 0 && (parent == "" || p < parent) {
				parent = p
			}
		}
		leg := h.free[parent][0]
		h.free[parent] = h.free[parent][1:]
		id := fmt.Sprintf("c%02d", step)
		sponsor := h.consultants[rng.IntN(len(h.consultants))]
		reg := at()
		h.accept(step, []engine.Member{{ID: id, Plan: engine.PlanConsultant, Sponsor: sponsor, Parent: parent, Leg: leg, RegisteredAt: reg}},
			[]engine.Sale{{ID: "pack:" + id, Kind: engine.SalePack, Member: id, OccurredAt: reg, Price: 9900, BV: 10000}}, nil,
			func() {
				h.free[id], h.consultants = []engine.Leg{engine.LegLeft, engine.LegRight}, append(h.consultants, id)
			})
	case k == 1 || k == 2: // a customer signs up, or an existing one activates another service
		cust := "mia"
		var members []engine.Member
		if k == 1 {
			cust = fmt.Sprintf("cust%02d", step)
			members = []engine.Member{{ID: cust, Plan: engine.PlanCustomer, Sponsor: h.consultants[rng.IntN(len(h.consultants))], RegisteredAt: at()}}
		}
		id := fmt.Sprintf("solar:%02d", step)
		bv := engine.Units(1000 * (1 + rng.IntN(50)))
		h.accept(step, members, []engine.Sale{{ID: id, Kind: engine.SaleActivation, Member: cust, OccurredAt: at(), BV: bv, CV: bv * 3, Retail: bv / 2, Vendor: "solar"}}, nil,
			func() { h.acts = append(h.acts, id) })
	case k == 3 && len(h.acts) > 0: // a cancellation
		a := h.acts[rng.IntN(len(h.acts))]
		if !h.cancelled[a] {
			h.cancelled[a] = true
			h.accept(step, nil, nil, []engine.Cancellation{{ID: "cancel:" + a, Activation: a, OccurredAt: h.now.Add(-time.Hour), Vendor: "solar"}}, func() {})
		}
	}
	h.commitDue(step)
}

// A draft that starts from the projection's kept snapshot, brought up to date, writes exactly
// the statements and the freeze of a draft that loads its snapshot whole: at any point of a
// random stream, with writes still open, before the first commit and after one (issue #19).
func TestADraftFromTheKeptSnapshotEqualsOneFromALoad(t *testing.T) {
	ctx := context.Background()
	for seed := uint64(1); seed <= 20; seed++ {
		st, rng, now := seeded(seed, 11)
		svc := payoutService(st, now)
		p := &Projector{Payouts: svc, Log: quiet, Overlap: 3 * time.Second}
		loads := payoutService(st, now) // no projector: every draft loads whole
		h := newHistory(rng, st, now)
		end := start.AddDate(0, 0, 7)
		for period := 0; period < 3; period++ {
			for step := 0; step < 15; step++ {
				h.step(period*15 + step)
				if step == 0 || rng.IntN(3) == 0 {
					if err := p.Refresh(ctx, false); err != nil {
						t.Fatal(err)
					}
				}
			}
			// A status change or a refund since the last projection, which that projection was
			// not told about (Stale): the draft reads the small collections again all the same.
			st.mu.Lock()
			switch who := h.consultants[1+rng.IntN(len(h.consultants)-1)]; period { // not the root
			case 0:
				st.snap.StatusEvents = append(st.snap.StatusEvents, engine.StatusEvent{Member: who, Status: engine.StatusSuspended, At: now.Add(-2 * time.Hour), Seq: 1})
			case 1:
				st.snap.Refunds = append(st.snap.Refunds, engine.Refund{ID: "refund-pack:ben", Sale: "pack:ben", OccurredAt: now.Add(-time.Hour)})
			case 2:
				st.snap.StatusEvents = append(st.snap.StatusEvents, engine.StatusEvent{Member: who, Status: engine.StatusTerminated, At: end.Add(-time.Hour), Seq: 2})
			}
			st.mu.Unlock()
			before := svc.DraftsFromKept()
			a, err := svc.Draft(ctx, CreateRunRequest{PeriodEnd: &end}, "admin")
			if err != nil {
				t.Fatal(err)
			}
			if svc.DraftsFromKept() != before+1 {
				t.Fatalf("seed %d period %d: the draft loaded its snapshot whole", seed, period)
			}
			b, err := loads.Draft(ctx, CreateRunRequest{PeriodEnd: &end}, "admin")
			if err != nil {
				t.Fatal(err)
			}
			if len(st.statements[a.ID]) == 0 || !reflect.DeepEqual(st.statements[a.ID], st.statements[b.ID]) {
				t.Fatalf("seed %d period %d: %d statements from the kept snapshot, %d from a load", seed, period, len(st.statements[a.ID]), len(st.statements[b.ID]))
			}
			if fa, fb := frozen(st.freeze[a.ID]), frozen(st.freeze[b.ID]); !reflect.DeepEqual(fa, fb) {
				t.Fatalf("seed %d period %d: froze %v from the kept snapshot, %v from a load", seed, period, fa, fb)
			}
			if a.Totals.Total != b.Totals.Total {
				t.Fatalf("seed %d period %d: total %s from the kept snapshot, %s from a load", seed, period, a.Totals.Total, b.Totals.Total)
			}
			if period == 1 { // the next period starts from this run's statements
				if _, err := st.Commit(ctx, a.ID, "admin", now); err != nil {
					t.Fatal(err)
				}
				end = end.AddDate(0, 0, svc.Plan.CadenceDays)
			}
		}
	}
}

// frozen is what a freeze lists, with its paid lines rendered as the store writes them.
func frozen(fr Freeze) map[string]any {
	var paid []string
	for i := range fr.PaidSales {
		paid = append(paid, string(fr.PaidPacked(nil, i)))
	}
	return map[string]any{"sales": fr.Sales, "clawed": fr.Clawed, "voided": fr.Voided, "voided_acts": fr.VoidedActivations,
		"clawed_refunds": fr.ClawedRefunds, "voided_refunds": fr.VoidedRefunds, "voided_sales": fr.VoidedSales,
		"paid_sales": fr.PaidSales, "paid": paid, "unpaid": fr.Unpaid, "promoted": fr.Promoted}
}

// The engine's working memory and the last published projection are kept from one update to
// the next while events keep arriving, and let go once nothing was accepted for KeepScratch.
func TestProjectionLetsItsWorkingMemoryGoWhenQuiet(t *testing.T) {
	ctx := context.Background()
	st := newMemRuns()
	now := start.AddDate(0, 0, 6)
	kept := &keptProjections{}
	p := &Projector{Payouts: payoutService(st, now), Log: quiet, Shared: kept, Interval: time.Nanosecond, KeepScratch: 50 * time.Millisecond}
	sale := 0
	accept := func() {
		sale++
		id := fmt.Sprintf("solar:%02d", sale)
		st.accept(nil, []engine.Sale{{ID: id, Kind: engine.SaleActivation, Member: "mia", OccurredAt: start.Add(time.Hour), BV: 1000, CV: 3000, Vendor: "solar"}}, nil)
	}
	for range 3 {
		accept()
		if err := p.Refresh(ctx, false); err != nil {
			t.Fatal(err)
		}
		if p.scratch.Size() == 0 || p.published == nil {
			t.Fatalf("after update %d: working memory %d bytes, last projection kept %v", sale, p.scratch.Size(), p.published != nil)
		}
	}
	if err := p.Refresh(ctx, false); err != nil { // nothing new, but not quiet for long yet
		t.Fatal(err)
	}
	if p.scratch.Size() == 0 || p.published == nil {
		t.Fatal("let go at once after an update")
	}
	time.Sleep(60 * time.Millisecond)
	if err := p.Refresh(ctx, false); err != nil {
		t.Fatal(err)
	}
	if n := p.scratch.Size(); n != 0 || p.published != nil {
		t.Fatalf("quiet for longer than KeepScratch: still %d bytes, last projection kept %v", n, p.published != nil)
	}
	before := kept.last
	accept()
	if err := p.Refresh(ctx, false); err != nil {
		t.Fatal(err)
	}
	if kept.last == before || p.scratch.Size() == 0 {
		t.Fatal("no update after the memory was let go")
	}
}

// keptProjections is a ProjectionCache that keeps a copy of what was published last.
type keptProjections struct {
	last  *Projection
	n     int
	paced []bool // whether each publication may rest for the API (graph.GiveWay)
}

func (k *keptProjections) ProjectionLease(context.Context, string, time.Duration) (int64, error) {
	return 1, nil
}
func (k *keptProjections) ProjectionRelease(context.Context, string) error { return nil }
func (k *keptProjections) PublishProjection(ctx context.Context, _ int64, p *Projection) error {
	k.paced = append(k.paced, graph.NewPacer(ctx).Paced())
	k.last = &Projection{PeriodEnd: p.PeriodEnd, AsOf: p.AsOf, IDs: slices.Clone(p.IDs), Items: slices.Clone(p.Items)}
	k.n++
	return nil
}
func (k *keptProjections) LookupProjection(context.Context, []string) (*Projection, error) {
	return k.last, nil
}
func (k *keptProjections) RequestProjection(context.Context) (int64, error)   { return 0, nil }
func (k *keptProjections) ProjectionRequested(context.Context) (int64, error) { return 0, nil }

// While the dashboards are asked for, a whole reload and its publication give way to them
// (graph.GiveWay), but an update's reads and publication do not: resting would not make its
// work any smaller, only the next update's larger, and under full ingest the sales it carries
// waited 12-15 s to show. Its engine rests between steps, as long as each took.
func TestOnlyAWholeReloadGivesWayToTheDashboards(t *testing.T) {
	ctx := context.Background()
	st := newMemRuns()
	st.clock = start
	svc := payoutService(st, start.AddDate(0, 0, 6))
	svc.Foreground, svc.GiveWay = &graph.Foreground{}, 3
	defer func(was time.Duration) { enginePart = was }(enginePart)
	enginePart = 0                  // a rest at every offer: the engine here works microseconds
	leave := svc.Foreground.Enter() // a dashboard under way throughout
	defer leave()
	kept := &keptProjections{}
	p := &Projector{Payouts: svc, Log: quiet, Shared: kept, Interval: time.Nanosecond}
	if err := p.Refresh(ctx, false); err != nil {
		t.Fatal(err)
	}
	before := kept.last.Member("ana").State.PersonalVolume
	st.clock = st.clock.Add(time.Minute)
	st.accept(nil, []engine.Sale{{ID: "solar:a-2", Kind: engine.SaleActivation, Member: "mia", OccurredAt: start.AddDate(0, 0, 3), BV: 5000, Vendor: "solar"}}, nil)
	st.clock = st.clock.Add(time.Minute)
	if err := p.Refresh(ctx, false); err != nil {
		t.Fatal(err)
	}
	if reloads, updates := p.Counts(); reloads != 1 || updates != 1 {
		t.Fatalf("reloads %d, updates %d; want one of each", reloads, updates)
	}
	if p.took.rested <= 0 || p.took.rested >= p.took.engine {
		t.Fatalf("the update's engine rested %s of its %s with a dashboard under way", p.took.rested, p.took.engine)
	}
	if st.reads != 2 || !slices.Equal(st.paced, []string{"load"}) {
		t.Fatalf("of %d reads, these gave way: %v; want only the whole load", st.reads, st.paced)
	}
	if !slices.Equal(kept.paced, []bool{true, false}) {
		t.Fatalf("publications that gave way: %v; want the whole one only", kept.paced)
	}
	if got := kept.last.Member("ana").State.PersonalVolume; got != before+5000 {
		t.Fatalf("ana's personal volume %s after the update, %s before; want the sale's 50.00 more", got, before)
	}
}

// A projection never holds up a payout run: none starts during a draft, and one under way is
// cancelled when a draft starts, then resumes after it.
func TestProjectionYieldsToPayoutRuns(t *testing.T) {
	ctx := context.Background()
	st := newMemRuns()
	now := start.AddDate(0, 0, 8)
	svc := payoutService(st, now)
	p := &Projector{Payouts: svc, Log: quiet}
	leave := svc.gate.enter()
	if err := p.Refresh(ctx, true); err != nil || p.Current() != nil {
		t.Fatalf("computed during a payout run: %v", err)
	}
	leave()

	st.block = make(chan struct{}, 1)
	errc := make(chan error, 1)
	go func() { errc <- p.Refresh(ctx, true) }()
	<-st.block // the projection is loading
	st.block = nil
	end := start.AddDate(0, 0, 7)
	done := make(chan error, 1)
	go func() { _, err := svc.Draft(ctx, CreateRunRequest{PeriodEnd: &end}, "admin"); done <- err }()
	select {
	case err := <-errc:
		if err != nil {
			t.Fatalf("a yielding projection is no failure: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the projection under way was not cancelled by the draft")
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if p.Current() != nil {
		t.Fatal("a cancelled projection was published")
	}
	if err := p.Refresh(ctx, false); err != nil || p.Current() == nil {
		t.Fatalf("not resumed after the run: %v", err)
	}
	// A payout run gets the kept snapshot's memory: a projection that sees the run lets its
	// working memory go, a draft takes the snapshot itself, and the projection reloads it
	// whole afterwards.
	if p.open == nil {
		t.Fatal("the open period's snapshot is kept between projections")
	}
	reloads, _ := p.Counts()
	if p.scratch.Size() == 0 {
		t.Fatal("the engine's working memory is not kept between projections")
	}
	leave = svc.gate.enter()
	if err := p.Refresh(ctx, true); err != nil || p.open == nil {
		t.Fatalf("a projection that yields dropped the snapshot a draft is about to take: %v", err)
	}
	if n := p.scratch.Size(); n != 0 {
		t.Fatalf("the engine's working memory (%d bytes) is kept during a payout run", n)
	}
	leave()
	st.accept(nil, []engine.Sale{{ID: "solar:late", Kind: engine.SaleActivation, Member: "mia", OccurredAt: start.AddDate(0, 0, 8), BV: 5000, Vendor: "solar"}}, nil)
	kept := svc.DraftsFromKept()
	next := end.AddDate(0, 0, 7)
	if _, err := svc.Draft(ctx, CreateRunRequest{PeriodEnd: &next}, "admin"); err != nil {
		t.Fatal(err)
	}
	if svc.DraftsFromKept() != kept+1 || p.open != nil {
		t.Fatalf("the draft did not take the kept snapshot (%d drafts from it, kept: %v)", svc.DraftsFromKept()-kept, p.open != nil)
	}
	if err := p.Refresh(ctx, true); err != nil || p.open == nil {
		t.Fatalf("not reloaded after the run: %v", err)
	}
	if again, _ := p.Counts(); again != reloads+1 {
		t.Errorf("reloads %d, want %d: the snapshot let go is read whole again", again, reloads+1)
	}
}

// A read of what was accepted begins at the oldest write still open, or at the clock when none
// is, less the margin; when the store cannot list its open writes, a fixed overlap before the
// clock, as before the store could.
func TestNextReadBeginsAtTheOldestOpenWrite(t *testing.T) {
	ctx := context.Background()
	st := newMemRuns()
	st.clock = start
	p := &Projector{Payouts: payoutService(st, start), Log: quiet}
	p.defaults()
	if got := p.nextSince(ctx, start); !got.Equal(start.Add(-time.Second)) {
		t.Fatalf("nothing open: read from %s, want the clock less 1 s", got)
	}
	h := st.begin() // stamped at start
	st.clock = start.Add(time.Minute)
	if got := p.nextSince(ctx, st.clock); !got.Equal(start.Add(-time.Second)) {
		t.Fatalf("a write open for a minute: read from %s, want its stamp less 1 s (%s)", got, start.Add(-time.Second))
	}
	st.commit(h, nil, nil, nil)
	if got := p.nextSince(ctx, st.clock); !got.Equal(st.clock.Add(-time.Second)) {
		t.Fatalf("committed: read from %s, want the clock less 1 s", got)
	}
	st.openErr = errors.New("SHOW TRANSACTIONS refused")
	if got := p.nextSince(ctx, st.clock); !got.Equal(st.clock.Add(-10*time.Second)) || !p.overlapping {
		t.Fatalf("the store cannot list open writes: read from %s (overlapping %v), want the clock less 10 s", got, p.overlapping)
	}
	st.openErr = nil
	if p.nextSince(ctx, st.clock); p.overlapping {
		t.Fatal("still overlapping once the store lists its open writes again")
	}
}

// replicas is a deployment's shared projection cache as the replicas see it: "a" holds the
// lease, and an AcceptedSignal reaches every subscriber.
type replicas struct {
	mu        sync.Mutex
	published int
	subs      []func()
}

type replica struct {
	*replicas
	name string
}

func (r replica) ProjectionLease(context.Context, string, time.Duration) (int64, error) {
	if r.name == "a" {
		return 1, nil
	}
	return 0, nil
}
func (r replica) ProjectionRelease(context.Context, string) error { return nil }
func (r replica) PublishProjection(context.Context, int64, *Projection) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.published++
	return nil
}
func (r replica) LookupProjection(context.Context, []string) (*Projection, error) { return nil, nil }
func (r replica) RequestProjection(context.Context) (int64, error)                { return 0, nil }
func (r replica) ProjectionRequested(context.Context) (int64, error)              { return 0, nil }
func (r replica) SignalAccepted(context.Context) error {
	r.mu.Lock()
	subs := slices.Clone(r.subs)
	r.mu.Unlock()
	for _, fn := range subs {
		fn()
	}
	return nil
}
func (r replica) OnAccepted(ctx context.Context, fn func()) {
	r.mu.Lock()
	r.subs = append(r.subs, fn)
	r.mu.Unlock()
	<-ctx.Done()
}

// A sale accepted on a replica that does not hold the projection's lease wakes the one that
// does, through the shared cache (issue #19).
func TestASaleAcceptedOnAnotherReplicaWakesTheHolder(t *testing.T) {
	st := newMemRuns()
	now := start.AddDate(0, 0, 3)
	shared := &replicas{}
	a := &Projector{Payouts: payoutService(st, now), Log: quiet, Interval: 2 * time.Second, Shared: replica{shared, "a"}, Holder: "a"}
	b := &Projector{Payouts: payoutService(st, now), Log: quiet, Interval: 2 * time.Second, Shared: replica{shared, "b"}, Holder: "b"}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go a.Run(ctx)
	go b.Run(ctx)
	looks := func() int { st.mu.Lock(); defer st.mu.Unlock(); return st.looks }
	for deadline := time.Now().Add(10 * time.Second); looks() < 2; time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the holder never looked a second time")
		}
	}
	published := func() int { shared.mu.Lock(); defer shared.mu.Unlock(); return shared.published }
	before := published()
	st.accept(nil, []engine.Sale{{ID: "s9", Kind: engine.SaleActivation, Member: "mia", OccurredAt: now.Add(-time.Hour), BV: 10000, CV: 10000, Vendor: "solar"}}, nil)
	asked := time.Now()
	b.Accepted()
	for published() == before {
		if time.Since(asked) > a.Interval/2 {
			t.Fatalf("the holder did not publish the sale within %s of its acceptance on another replica (its poll is every %s)", a.Interval/2, a.Interval)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// A termination, a suspension or a refund (PLAN.md §10, §11) is projected from the kept
// snapshot with the small collections read again, as a whole reload projects it.
func TestAStatusChangeOrRefundNeedsNoReload(t *testing.T) {
	ctx := context.Background()
	st := newMemRuns()
	now := start.AddDate(0, 0, 6)
	p := &Projector{Payouts: payoutService(st, now), Log: quiet}
	if err := p.Refresh(ctx, false); err != nil {
		t.Fatal(err)
	}
	before := p.Current().Member("ana").ByType
	st.mu.Lock()
	st.snap.StatusEvents = append(st.snap.StatusEvents,
		engine.StatusEvent{Member: "ana", Status: engine.StatusTerminated, At: now.Add(-time.Hour), Seq: 1},
		engine.StatusEvent{Member: "ben", Status: engine.StatusSuspended, At: now.Add(-time.Hour), Seq: 1})
	st.snap.Refunds = append(st.snap.Refunds, engine.Refund{ID: "refund-pack:ben", Sale: "pack:ben", OccurredAt: now.Add(-time.Hour)})
	st.mu.Unlock()
	p.Stale()
	if err := p.Refresh(ctx, false); err != nil {
		t.Fatal(err)
	}
	if reloads, updates := p.Counts(); reloads != 1 || updates != 1 {
		t.Fatalf("%d whole reloads and %d updates, want 1 and 1", reloads, updates)
	}
	whole := &Projector{Payouts: payoutService(st, now), Log: quiet}
	if err := whole.Refresh(ctx, false); err != nil {
		t.Fatal(err)
	}
	got, want := p.Current(), whole.Current()
	if !reflect.DeepEqual(got.IDs, want.IDs) || !reflect.DeepEqual(got.Items, want.Items) {
		t.Fatalf("projected %v %+v, a whole reload %v %+v", got.IDs, got.Items, want.IDs, want.Items)
	}
	if got.Member("ana").ByType == before {
		t.Fatalf("ana's termination changed nothing: %v", before)
	}
}

// An update's computing rests only once it has worked enginePart since its last rest, as long as
// it worked, while the API is in use; an offer sooner costs nothing. The longest part is kept for
// the update's log line (issue #19: the engine's steps held a core for 30–240 ms at 1M).
func TestPartsRestOnlyAfterEnginePart(t *testing.T) {
	defer func(was time.Duration) { enginePart = was }(enginePart)
	enginePart = 20 * time.Millisecond
	fg := &graph.Foreground{}
	leave := fg.Enter()
	defer leave()
	w := newParts(graph.GiveWayAlone(context.Background(), fg, 1))
	w.offer()
	if got := w.rested(); got != 0 {
		t.Fatalf("rested %s at an offer right away; want no rest before enginePart", got)
	}
	time.Sleep(25 * time.Millisecond)
	w.offer()
	if got := w.rested(); got < 25*time.Millisecond || got > time.Second {
		t.Fatalf("rested %s after working 25 ms at ratio 1; want about as long", got)
	}
	if got := w.longestPart(); got < 25*time.Millisecond {
		t.Fatalf("longest part %s; want the 25 ms worked", got)
	}
	// Idle API: offers never rest.
	idle := newParts(graph.GiveWayAlone(context.Background(), &graph.Foreground{}, 1))
	time.Sleep(25 * time.Millisecond)
	idle.offer()
	if got := idle.rested(); got != 0 {
		t.Fatalf("rested %s with nobody using the API", got)
	}
}
