package payouts

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/halo-oss/halo/engine"
	"github.com/halo-oss/halo/graph"
	"github.com/halo-oss/halo/graph/genealogy"
)

// memWallets is a ledger in memory: a balance is the sum of its entries.
type memWallets struct {
	WalletStore
	entries []LedgerEntry
	cents   map[string]engine.Units
	wd      map[string]*Withdrawal
	decided []string // "from>to" of every applied decision
}

func (m *memWallets) Balance(_ context.Context, id string) (engine.Units, error) {
	return m.cents[id], nil
}

func (m *memWallets) AddEntry(_ context.Context, e LedgerEntry, c engine.Units) error {
	m.entries = append(m.entries, e)
	m.cents[e.MemberID] += c
	return nil
}

func (m *memWallets) RequestWithdrawal(_ context.Context, w Withdrawal, c, withheld engine.Units) error {
	if c > m.cents[w.MemberID] {
		return graph.InvalidField("amount", "is above the balance of %s", m.cents[w.MemberID])
	}
	for _, o := range m.wd {
		if o.MemberID == w.MemberID && (o.Status == WithdrawalRequested || o.Status == WithdrawalApproved) {
			return graph.Conflict("member %s already has an open withdrawal request", w.MemberID)
		}
	}
	m.cents[w.MemberID] -= c
	m.entries = append(m.entries, LedgerEntry{MemberID: w.MemberID, Kind: LedgerWithdrawal, Amount: graph.Money(-(c - withheld)), WithdrawalID: w.ID})
	if withheld > 0 {
		m.entries = append(m.entries, LedgerEntry{MemberID: w.MemberID, Kind: LedgerWithholding, Amount: graph.Money(-withheld), WithdrawalID: w.ID})
	}
	m.wd[w.ID] = &w
	return nil
}

func (m *memWallets) AddDebit(_ context.Context, e LedgerEntry, c engine.Units) error {
	if c > m.cents[e.MemberID] {
		return graph.InvalidField("amount", "is above the balance of %s", m.cents[e.MemberID])
	}
	m.cents[e.MemberID] -= c
	m.entries = append(m.entries, e)
	return nil
}

func (m *memWallets) Withdrawal(_ context.Context, id string) (*Withdrawal, error) {
	if w, ok := m.wd[id]; ok {
		c := *w
		return &c, nil
	}
	return nil, graph.NotFound("withdrawal %s not found", id)
}

func (m *memWallets) DecideWithdrawal(_ context.Context, id string, decide func(Withdrawal) (*WithdrawalChange, error)) (*Withdrawal, *Withdrawal, error) {
	w := m.wd[id]
	before := *w
	c, err := decide(before)
	if err != nil {
		return nil, nil, err
	}
	m.decided = append(m.decided, before.Status+">"+c.To)
	if c.To == WithdrawalRejected {
		amt, _ := graph.ParseAmount(w.Amount)
		m.cents[w.MemberID] += amt
		m.entries = append(m.entries, LedgerEntry{MemberID: w.MemberID, Kind: LedgerReversal, Amount: graph.Money(amt), WithdrawalID: w.ID})
	}
	w.Status, w.Reason, w.PaymentReference, w.DecidedBy = c.To, c.Reason, c.Reference, c.Actor
	after := *w
	return &before, &after, nil
}

type memMembers struct{}

func (memMembers) Member(_ context.Context, id string) (*genealogy.Member, error) {
	if id == "ana" {
		return &genealogy.Member{ID: "ana"}, nil
	}
	return nil, graph.NotFound("member %s not found", id)
}

func walletService() (*WalletService, *memWallets) {
	st := &memWallets{cents: map[string]engine.Units{}, wd: map[string]*Withdrawal{}}
	return &WalletService{Store: st, Members: memMembers{}, Now: func() time.Time { return start }}, st
}

func TestAdjustmentsAndWithdrawals(t *testing.T) {
	s, st := walletService()
	ctx := graph.WithActor(context.Background(), "admin:ops@example.com")
	for name, err := range map[string]error{
		"amount zero": func() error { _, err := s.Adjust(ctx, "ana", AdjustmentRequest{Amount: "0", Reason: "x"}); return err }(),
		"three decimals": func() error {
			_, err := s.Adjust(ctx, "ana", AdjustmentRequest{Amount: "1.005", Reason: "x"})
			return err
		}(),
		"no reason":          func() error { _, err := s.Adjust(ctx, "ana", AdjustmentRequest{Amount: "5", Reason: "  "}); return err }(),
		"below the minimum":  func() error { _, err := s.Request(ctx, "ana", WithdrawalRequest{Amount: "49.99"}); return err }(),
		"a negative request": func() error { _, err := s.Request(ctx, "ana", WithdrawalRequest{Amount: "-60"}); return err }(),
	} {
		if graph.KindOf(err) != graph.KindInvalid {
			t.Errorf("%s: %v", name, err)
		}
	}
	if _, err := s.Adjust(ctx, "ghost", AdjustmentRequest{Amount: "5", Reason: "x"}); graph.KindOf(err) != graph.KindNotFound {
		t.Errorf("an unknown member: %v", err)
	}
	e, err := s.Adjust(ctx, "ana", AdjustmentRequest{Amount: "120.5", Reason: " opening correction "})
	if err != nil || e.Amount != "120.50" || e.Reason != "opening correction" || e.Actor != "admin:ops@example.com" || e.Kind != LedgerAdjustment {
		t.Fatalf("%v %+v", err, e)
	}
	w, err := s.Request(ctx, "ana", WithdrawalRequest{Amount: "100"})
	if err != nil || w.Status != WithdrawalRequested || w.Amount != "100.00" || st.cents["ana"] != 2050 {
		t.Fatalf("the amount leaves the balance at once: %v %+v %d", err, w, st.cents["ana"])
	}
	if _, err := s.Decide(ctx, w.ID, "reject", DecisionRequest{}); graph.KindOf(err) != graph.KindInvalid {
		t.Errorf("a rejection needs a reason: %v", err)
	}
	if _, err := s.Decide(ctx, w.ID, "mark-paid", DecisionRequest{}); graph.KindOf(err) != graph.KindInvalid {
		t.Errorf("paid needs a reference: %v", err)
	}
	if _, err := s.Decide(ctx, w.ID, "cash", DecisionRequest{}); graph.KindOf(err) != graph.KindNotFound {
		t.Errorf("an unknown decision: %v", err)
	}
	if _, err := s.Decide(ctx, w.ID, "mark-paid", DecisionRequest{PaymentReference: "ACH-1"}); graph.KindOf(err) != graph.KindConflict {
		t.Errorf("only an approved withdrawal is paid: %v", err)
	}
	if got, err := s.Decide(ctx, w.ID, "approve", DecisionRequest{}); err != nil || got.Status != WithdrawalApproved {
		t.Fatalf("%v %+v", err, got)
	}
	if got, err := s.Decide(ctx, w.ID, "mark-paid", DecisionRequest{PaymentReference: " ACH-1 "}); err != nil || got.PaymentReference != "ACH-1" {
		t.Fatalf("%v %+v", err, got)
	}
	if want := []string{"requested>approved", "approved>paid"}; !slices.Equal(st.decided, want) {
		t.Errorf("each decision moves only from its states: %v", st.decided)
	}
	if _, err := s.List(ctx, "lost", "", "", 0); graph.KindOf(err) != graph.KindInvalid {
		t.Errorf("an unknown status: %v", err)
	}
}

// memFeed is the placement tree and the open period's volume changes.
type memFeed struct {
	VolumeFeed
	parents    map[string]ParentLink
	changes    []VolumeChange
	now        time.Time
	terminated map[string]string
	open       []time.Time // stamps of the writes still open
	listErr    error       // when set, the feed cannot list its open writes
	afterRead  func()      // when set, runs as a read ends (a write committing just after it)
	lookups    int         // Parents calls
	wholeReads int         // AllParents calls
}

func (f *memFeed) Clock(context.Context) (time.Time, error) { return f.now, nil }

func (f *memFeed) OldestOpenAccept(context.Context) (time.Time, bool, error) {
	if f.listErr != nil {
		return time.Time{}, false, f.listErr
	}
	if len(f.open) == 0 {
		return time.Time{}, false, nil
	}
	return slices.MinFunc(f.open, func(a, b time.Time) int { return a.Compare(b) }), true, nil
}

func (f *memFeed) ChangesSince(_ context.Context, since time.Time) ([]VolumeChange, time.Time, error) {
	var out []VolumeChange
	for _, c := range f.changes {
		if !c.AcceptedAt.Before(since) {
			out = append(out, c)
		}
	}
	if f.afterRead != nil {
		f.afterRead()
	}
	return out, f.now, nil
}

func (f *memFeed) Snapshot(context.Context) (*VolumeSnapshot, error) {
	return &VolumeSnapshot{At: f.now, Changes: append([]VolumeChange(nil), f.changes...)}, nil
}

func (f *memFeed) Parents(_ context.Context, ids []string) (map[string]ParentLink, error) {
	f.lookups++
	out := map[string]ParentLink{}
	for _, id := range ids {
		if p, ok := f.parents[id]; ok {
			out[id] = p
		}
	}
	return out, nil
}

func (f *memFeed) Terminated(context.Context) (map[string]string, error) { return f.terminated, nil }

func (f *memFeed) AllParents(_ context.Context, fn func(string, ParentLink)) error {
	f.wholeReads++
	for id, p := range f.parents {
		fn(id, p)
	}
	return nil
}

type memCounters struct {
	graph.Pinger
	pv                 map[string]int64
	paths              *pathStore // leg volumes, long legs' sums and marks
	gen                int64
	holder             string
	token, fence, want int64
	applied, replaced  int
	progress           *Progress
}

func (c *memCounters) Resume(context.Context) (int64, *Progress, error) {
	if c.progress == nil || c.gen == 0 {
		return c.gen, nil, nil
	}
	p := *c.progress
	p.Counted = maps.Clone(p.Counted)
	return c.gen, &p, nil
}

func (c *memCounters) Lease(_ context.Context, holder string, _ time.Duration) (int64, error) {
	switch c.holder {
	case holder:
		return c.token, nil
	case "":
		c.fence++
		c.holder, c.token = holder, c.fence
		return c.token, nil
	}
	return 0, nil
}

func (c *memCounters) Release(_ context.Context, holder string) error {
	if c.holder == holder {
		c.holder = ""
	}
	return nil
}

func (c *memCounters) RequestRebuild(context.Context) (int64, error) { c.want++; return c.want, nil }
func (c *memCounters) Requested(context.Context) (int64, error)      { return c.want, nil }

// add adds r as Redis does: counters and sums added, marks set.
func (c *memCounters) add(r Rollup) {
	for k, v := range r.PV {
		c.pv[k] += v
	}
	c.paths.add(r.Legs, r.Sums, r.Marks)
}

func (c *memCounters) Apply(_ context.Context, token int64, r Rollup, p Progress) error {
	if c.holder == "" || token != c.token {
		return ErrFenced
	}
	if len(r.PV)+len(r.Legs)+len(r.Sums) > 0 {
		c.applied++
	}
	if c.progress != nil {
		c.progress.Cursor = p.Cursor
		for id, at := range p.Counted {
			c.progress.Counted[id] = at
		}
		for _, id := range p.Forgot {
			delete(c.progress.Counted, id)
		}
	}
	c.add(r)
	return nil
}

func (c *memCounters) Replace(_ context.Context, token int64, r Rollup, p Progress) (int64, error) {
	if c.holder == "" || token != c.token {
		return 0, ErrFenced
	}
	c.replaced++
	p.Counted = maps.Clone(p.Counted)
	c.progress = &p
	c.pv, c.paths = map[string]int64{}, newPathStore()
	c.add(r)
	c.gen++
	return c.gen, nil
}

func (c *memCounters) Read(_ context.Context, ids []string) (map[string]Counters, error) {
	out := map[string]Counters{}
	for _, id := range ids {
		lg := c.paths.read(id)
		out[id] = Counters{MemberID: id, PV: c.pv[id], Left: lg[0], Right: lg[1]}
	}
	return out, nil
}

func (c *memCounters) Generation(context.Context) (int64, bool, error) { return c.gen, c.gen > 0, nil }

// PLAN.md §3–4, live: personal volume at S, leg volume at every placement ancestor; a change
// is counted once however often the overlapping window re-reads it.
func TestLiveCountersRollUpEachChangeOnce(t *testing.T) {
	t0 := start
	feed := &memFeed{now: t0, parents: map[string]ParentLink{
		"root": {}, "a": {Parent: "root", Left: true, Depth: 1}, "b": {Parent: "root", Depth: 1}, "c": {Parent: "a", Depth: 2}, "d": {Parent: "c", Left: true, Depth: 3},
	}, changes: []VolumeChange{{ID: "s1", Member: "d", BV: 1000, AcceptedAt: t0.Add(-time.Hour)}, {ID: "s2", Member: "b", BV: 500, AcceptedAt: t0.Add(-time.Hour)}}}
	cache := &memCounters{}
	l := &LiveCounters{Feed: feed, Cache: cache, Log: quiet}
	ctx := context.Background()
	if _, err := l.Rebuild(ctx); err != nil {
		t.Fatal(err)
	}
	read := func(id string) Counters { c, _ := l.Read(ctx, []string{id}); return c[id] }
	if r, a, c := read("root"), read("a"), read("c"); r.Left != 1000 || r.Right != 500 || a.Right != 1000 || c.Left != 1000 || read("d").PV != 1000 {
		t.Fatalf("root %+v a %+v c %+v", r, a, c)
	}
	// A new sale and a cancellation; the next ticks re-read the window but count each once.
	feed.now = t0.Add(2 * time.Second)
	feed.changes = append(feed.changes, VolumeChange{ID: "s3", Member: "c", BV: 200, AcceptedAt: t0.Add(time.Second)},
		VolumeChange{ID: "x1", Member: "d", BV: -1000, AcceptedAt: t0.Add(time.Second)})
	for i := 0; i < 3; i++ {
		if err := l.Tick(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if r := read("root"); r.Left != 200 || r.Right != 500 {
		t.Errorf("root after the tick: %+v", r)
	}
	// Someone else rebuilt the set: this process rebuilds rather than risk counting twice.
	cache.gen += 10
	if err := l.Tick(ctx); err != nil {
		t.Fatal(err)
	}
	if r := read("root"); r.Left != 200 || r.Right != 500 {
		t.Errorf("after a foreign rebuild: %+v", r)
	}
	keys := make([]string, 0, len(cache.pv))
	for k := range cache.pv {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	if !slices.Equal(keys, []string{"b", "c"}) {
		t.Errorf("personal volume only where it is not zero: %v", keys)
	}
}

// Issue #19: when the feed cannot list its open writes, most ticks re-read only the last
// seconds; every FullEvery-th tick re-reads the whole window, so a transaction that commits late
// (accepted 10 s before it shows) is counted, once.
func TestLiveCountersReReadTheWholeWindowNowAndThen(t *testing.T) {
	feed := &memFeed{now: start, parents: map[string]ParentLink{"root": {}, "a": {Parent: "root", Left: true, Depth: 1}},
		listErr: errors.New("SHOW TRANSACTIONS refused")}
	l := &LiveCounters{Feed: feed, Cache: &memCounters{}, Log: quiet, Recent: 2 * time.Second, FullEvery: 5}
	tick := ticker(t, feed, l)
	tick() // the first rebuilds, the next reads the whole window
	tick()
	feed.changes = append(feed.changes, VolumeChange{ID: "late", Member: "a", BV: 700, AcceptedAt: feed.now.Add(-10 * time.Second)},
		VolumeChange{ID: "now", Member: "a", BV: 5, AcceptedAt: feed.now})
	if got := tick(); got != 5 {
		t.Fatalf("a short tick counts what was accepted in the last seconds only: %d", got)
	}
	n := 2
	for ; n <= 6 && tick() != 705; n++ {
	}
	if n > 5 {
		t.Fatalf("the late change was not counted within FullEvery ticks (%d)", n)
	}
	for i := 0; i < 12; i++ {
		if got := tick(); got != 705 {
			t.Fatalf("counted twice or lost: %d", got)
		}
	}
}

// PLAN.md §10, live: a customer's sale whose sponsor is terminated counts at the next sponsor
// above it that is not (two terminated in a row here); a terminated consultant's own sale still
// enters at its place.
func TestLiveCountersFollowTheRollUp(t *testing.T) {
	feed := &memFeed{now: start, parents: map[string]ParentLink{
		"root": {}, "p": {Parent: "root", Left: true, Depth: 1}, "x": {Parent: "p", Left: true, Depth: 2}, "w": {Parent: "x", Left: true, Depth: 3},
	}, changes: []VolumeChange{
		{ID: "s1", Member: "w", BV: 1000, AcceptedAt: start.Add(-time.Hour), ViaSponsor: true}, // w's customer
		{ID: "s2", Member: "w", BV: 300, AcceptedAt: start.Add(-time.Hour)},                    // w's own
	}, terminated: map[string]string{"w": "x", "x": "p"}}
	cache := &memCounters{}
	l := &LiveCounters{Feed: feed, Cache: cache, Log: quiet}
	ctx := context.Background()
	if _, err := l.Rebuild(ctx); err != nil {
		t.Fatal(err)
	}
	got, _ := l.Read(ctx, []string{"p", "w", "x", "root"})
	if got["p"].PV != 1000 || got["w"].PV != 300 || got["x"].PV != 0 || got["root"].Left != 1300 || got["x"].Left != 300 {
		t.Errorf("counters %+v", got)
	}
}

// Issue #17: replicas share the counters and exactly one writes. The holder of the lease rolls up;
// another replica only reads until the holder goes away, then takes over with a rebuild; a
// former holder's late write is refused (fenced); a rebuild asked for anywhere happens once, at
// the holder; the generation never moves while the holder keeps the lease (no ping-pong).
func TestLiveCountersOneWriterAmongReplicas(t *testing.T) {
	t0 := start
	feed := &memFeed{now: t0, parents: map[string]ParentLink{"root": {}, "a": {Parent: "root", Left: true, Depth: 1}},
		changes: []VolumeChange{{ID: "s1", Member: "a", BV: 1000, AcceptedAt: t0.Add(-time.Hour)}}}
	cache := &memCounters{}
	ctx := context.Background()
	a := &LiveCounters{Feed: feed, Cache: cache, Log: quiet, Holder: "a"}
	b := &LiveCounters{Feed: feed, Cache: cache, Log: quiet, Holder: "b"}
	for i := 0; i < 3; i++ {
		if err := a.Tick(ctx); err != nil {
			t.Fatal(err)
		}
		if err := b.Tick(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if cache.replaced != 1 || cache.gen != 1 {
		t.Fatalf("one build by the holder, then no generation change: %d builds, generation %d", cache.replaced, cache.gen)
	}
	feed.now = t0.Add(2 * time.Second)
	feed.changes = append(feed.changes, VolumeChange{ID: "s2", Member: "a", BV: 500, AcceptedAt: t0.Add(time.Second)})
	for i := 0; i < 3; i++ {
		_ = b.Tick(ctx)
		_ = a.Tick(ctx)
	}
	if r, _ := b.Read(ctx, []string{"root"}); r["root"].Left != 1500 || cache.applied != 1 {
		t.Fatalf("the change counted once by the holder: %+v, %d applies", r["root"], cache.applied)
	}
	// b asks for a rebuild (it committed a run): a does it at its next tick, once.
	b.Invalidate()
	_ = b.Tick(ctx)
	_ = a.Tick(ctx)
	_ = a.Tick(ctx)
	if cache.replaced != 2 {
		t.Fatalf("a rebuild asked for by a non-holder: %d builds", cache.replaced)
	}
	// a dies (its lease expires); b takes over where a stopped, without a rebuild (issue #19);
	// a's late write is refused.
	stale := cache.token
	_ = cache.Release(ctx, "a")
	if err := b.Tick(ctx); err != nil {
		t.Fatal(err)
	}
	if cache.holder != "b" || cache.replaced != 2 {
		t.Fatalf("takeover: holder %q, %d builds", cache.holder, cache.replaced)
	}
	feed.now = t0.Add(4 * time.Second)
	feed.changes = append(feed.changes, VolumeChange{ID: "s3", Member: "a", BV: 25, AcceptedAt: t0.Add(3 * time.Second)})
	for i := 0; i < 3; i++ {
		if err := b.Tick(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if r, _ := b.Read(ctx, []string{"root"}); r["root"].Left != 1525 || cache.replaced != 2 {
		t.Fatalf("after the takeover, each change once: %+v, %d builds", r["root"], cache.replaced)
	}
	if err := cache.Apply(ctx, stale, Rollup{PV: map[string]int64{"a": 1}}, Progress{}); !errors.Is(err, ErrFenced) {
		t.Fatalf("a paused former holder's write: %v", err)
	}
	if err := a.Tick(ctx); err != nil || a.token != 0 {
		t.Fatalf("the former holder only reads now: %v token %d", err, a.token)
	}
	if r, _ := a.Read(ctx, []string{"root"}); r["root"].Left != 1525 {
		t.Errorf("after the takeover: %+v", r["root"])
	}
}

// Issue #19: a replica that takes the lease over (halod started again, or another replica after
// the holder died) goes on from the progress recorded with the counters: changes the last holder
// counted inside its read window are not counted again, those committed while nobody held the
// lease are counted once, however late they commit. It rebuilds instead when a rebuild was asked
// for that the counters do not answer, when Redis lost them, or when nothing was recorded.
func TestLiveCountersTakeOverWhereTheLastHolderStopped(t *testing.T) {
	t0 := start
	feed := &memFeed{now: t0, parents: map[string]ParentLink{"root": {}, "a": {Parent: "root", Left: true, Depth: 1}, "b": {Parent: "root", Depth: 1}},
		changes: []VolumeChange{{ID: "s1", Member: "a", BV: 1000, AcceptedAt: t0.Add(-time.Hour)}}}
	cache := &memCounters{}
	ctx := context.Background()
	holder := func(name string) *LiveCounters {
		return &LiveCounters{Feed: feed, Cache: cache, Log: quiet, Holder: name}
	}
	tick := func(l *LiveCounters, n int) {
		t.Helper()
		for range n {
			if err := l.Tick(ctx); err != nil {
				t.Fatal(err)
			}
		}
	}
	want := func(when string, left, right int64, builds int) {
		t.Helper()
		r, _ := cache.Read(ctx, []string{"root"})
		if r["root"].Left != left || r["root"].Right != right || cache.replaced != builds {
			t.Fatalf("%s: root %+v, %d builds; want left %d right %d, %d builds", when, r["root"], cache.replaced, left, right, builds)
		}
	}
	a := holder("a")
	tick(a, 1)
	feed.now = t0.Add(2 * time.Second)
	feed.changes = append(feed.changes, VolumeChange{ID: "s2", Member: "b", BV: 300, AcceptedAt: t0.Add(time.Second)})
	tick(a, 2)
	want("a counted s2", 1000, 300, 1)

	// a stops; s3 commits while nobody holds the lease, stamped before a's last read.
	_ = cache.Release(ctx, "a")
	feed.changes = append(feed.changes, VolumeChange{ID: "s3", Member: "a", BV: 40, AcceptedAt: t0.Add(1500 * time.Millisecond)})
	feed.now = t0.Add(5 * time.Second)
	b := holder("b")
	tick(b, 4)
	want("b went on from a's progress", 1040, 300, 1)

	// A rebuild asked for while nobody held the lease: the next holder rebuilds.
	_ = cache.Release(ctx, "b")
	if _, err := cache.RequestRebuild(ctx); err != nil {
		t.Fatal(err)
	}
	c := holder("c")
	tick(c, 2)
	want("c rebuilt for the request", 1040, 300, 2)

	// Counters without recorded progress (Redis lost them, or an older halod built them).
	_ = cache.Release(ctx, "c")
	cache.progress = nil
	d := holder("d")
	tick(d, 2)
	want("d rebuilt without progress", 1040, 300, 3)
	_ = cache.Release(ctx, "d")
	e := holder("e")
	feed.now = t0.Add(8 * time.Second)
	feed.changes = append(feed.changes, VolumeChange{ID: "x1", Member: "a", BV: -1000, AcceptedAt: t0.Add(7 * time.Second)})
	tick(e, 3)
	want("e went on from d's rebuild", 40, 300, 3)
}

type gate struct{ c Clearance }

func (g *gate) Clearance(context.Context, string) (Clearance, error) { return g.c, nil }

// Property: through credits, withdrawals with and without backup withholding, rejections,
// approvals, holds and forfeits, a balance is always the sum of its ledger entries and never
// negative; withholding is 24 % rounded to the cent and the net plus it is the amount.
func TestLedgerIsTheSumOfItsEntries(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 16))
	for run := range 200 {
		s, st := walletService()
		g := &gate{}
		s.Gate = g
		ctx := graph.WithActor(context.Background(), "admin:ops@example.com")
		var open []string
		for range 40 {
			switch op := rng.IntN(7); op {
			case 0, 1:
				amt := engine.Units(rng.Int64N(50000) + 1)
				if _, err := s.Adjust(ctx, "ana", AdjustmentRequest{Amount: graph.Money(amt), Reason: "credit"}); err != nil {
					t.Fatal(err)
				}
			case 2:
				g.c.WithholdBP = []int64{0, 2400}[rng.IntN(2)]
				amt := engine.Units(rng.Int64N(40000) + 5000)
				w, err := s.Request(ctx, "ana", WithdrawalRequest{Amount: graph.Money(amt)})
				if err == nil {
					open = append(open, w.ID)
					if g.c.WithholdBP > 0 {
						wh, _ := graph.ParseAmount(w.Withheld)
						net, _ := graph.ParseAmount(w.Net)
						if wh != Withholding(amt, 2400) || wh+net != amt || wh*10000 < amt*2400-5000 || wh*10000 > amt*2400+5000 {
							t.Fatalf("withholding of %s: %s + %s", amt, w.Withheld, w.Net)
						}
					}
				}
			case 3, 4:
				if len(open) > 0 {
					id := open[0]
					decision := []string{"approve", "reject", "mark-paid"}[rng.IntN(3)]
					_, _ = s.Decide(ctx, id, decision, DecisionRequest{Reason: "r", PaymentReference: "ref"})
					if w := st.wd[id]; w.Status == WithdrawalRejected || w.Status == WithdrawalPaid {
						open = open[1:]
					}
				}
			case 5:
				g.c.Held = !g.c.Held
			case 6:
				_, _ = s.Forfeit(ctx, "ana", ForfeitRequest{Amount: graph.Money(engine.Units(rng.Int64N(20000) + 1)), Reason: "found in review"})
			}
			var sum engine.Units
			for _, e := range st.entries {
				a, err := graph.ParseAmount(e.Amount)
				if err != nil {
					t.Fatalf("entry %+v: %v", e, err)
				}
				sum += a
			}
			if sum != st.cents["ana"] || sum < 0 {
				t.Fatalf("run %d: balance %s, entries sum to %s", run, st.cents["ana"], sum)
			}
		}
	}
}

// A hold stops approvals and payments, not requests or rejections; only a held balance is forfeited.
func TestHoldsAndForfeits(t *testing.T) {
	s, st := walletService()
	g := &gate{}
	s.Gate = g
	ctx := context.Background()
	if _, err := s.Adjust(ctx, "ana", AdjustmentRequest{Amount: "500", Reason: "credit"}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Forfeit(ctx, "ana", ForfeitRequest{Amount: "10", Reason: "x"}); graph.KindOf(err) != graph.KindConflict {
		t.Errorf("forfeit without a hold: %v", err)
	}
	g.c = Clearance{Held: true, HoldReason: "under review"}
	w, err := s.Request(ctx, "ana", WithdrawalRequest{Amount: "100"})
	if err != nil || !w.Held {
		t.Fatalf("a held member's request is taken and marked: %v %+v", err, w)
	}
	if _, err := s.Decide(ctx, w.ID, "approve", DecisionRequest{}); graph.KindOf(err) != graph.KindConflict {
		t.Errorf("approval under a hold: %v", err)
	}
	if _, err := s.Forfeit(ctx, "ana", ForfeitRequest{Amount: "400.01", Reason: "x"}); graph.KindOf(err) != graph.KindInvalid {
		t.Errorf("forfeit above the balance: %v", err)
	}
	e, err := s.Forfeit(ctx, "ana", ForfeitRequest{Amount: "150", Reason: "prohibited practice"})
	if err != nil || e.Amount != "-150.00" || e.Kind != LedgerForfeit || st.cents["ana"] != 25000 {
		t.Errorf("forfeit: %v %+v, balance %s", err, e, st.cents["ana"])
	}
	g.c = Clearance{Blocked: "a certified W-9 with a TIN is required before a withdrawal", BlockedField: "tax_profile"}
	if _, err := s.Request(ctx, "ana", WithdrawalRequest{Amount: "60"}); graph.KindOf(err) != graph.KindInvalid || graph.AsError(err).Details[0].Field != "tax_profile" {
		t.Errorf("a request without a tax profile: %v", err)
	}
}

// Issue #19: each tick reads from the oldest write still open, so a change whose transaction
// stayed open for a minute (longer than any fixed window) is counted when it commits, once; and
// with nothing open a tick reads only the last second again.
func TestLiveCountersReadFromTheOldestOpenWrite(t *testing.T) {
	feed := &memFeed{now: start, parents: map[string]ParentLink{"root": {}, "a": {Parent: "root", Left: true, Depth: 1}}}
	l := &LiveCounters{Feed: feed, Cache: &memCounters{}, Log: quiet}
	tick := ticker(t, feed, l)
	tick()
	tick()
	slow := feed.now // a batch begins, and stays open
	feed.open = []time.Time{slow}
	for i := 0; i < 60; i++ {
		if i == 30 {
			feed.changes = append(feed.changes, VolumeChange{ID: "now", Member: "a", BV: 5, AcceptedAt: feed.now})
		}
		tick()
	}
	if !l.cursor.Equal(slow.Add(-time.Second)) {
		t.Fatalf("with a write open since %s the cursor is %s", slow, l.cursor)
	}
	feed.changes = append(feed.changes, VolumeChange{ID: "slow", Member: "a", BV: 700, AcceptedAt: slow})
	feed.open = nil
	if got := tick(); got != 705 {
		t.Fatalf("the change of a write open for a minute, once it commits: %d, want 705", got)
	}
	for i := 0; i < 5; i++ {
		if got := tick(); got != 705 {
			t.Fatalf("counted twice or lost: %d", got)
		}
	}
	if want := feed.now.Add(-time.Second); !l.cursor.Equal(want) || len(l.seen) != 0 {
		t.Fatalf("nothing open: cursor %s (want %s), %d ids remembered (want none)", l.cursor, want, len(l.seen))
	}
}

// A write that began seconds ago and commits just after a tick's read is in no read of that
// tick: it was still open when the tick decided where the next read begins, so the next one
// reads it (the faults test once lost such a batch, slow after a Neo4j restart).
func TestLiveCountersCountAWriteCommittingJustAfterARead(t *testing.T) {
	feed := &memFeed{now: start, parents: map[string]ParentLink{"root": {}, "a": {Parent: "root", Left: true, Depth: 1}}}
	l := &LiveCounters{Feed: feed, Cache: &memCounters{}, Log: quiet}
	tick := ticker(t, feed, l)
	tick()
	began := feed.now.Add(-3 * time.Second)
	feed.open = []time.Time{began}
	feed.afterRead = func() {
		feed.afterRead = nil
		feed.open = nil
		feed.changes = append(feed.changes, VolumeChange{ID: "slow", Member: "a", BV: 700, AcceptedAt: began})
	}
	if got := tick(); got != 0 {
		t.Fatalf("the read before the commit: %d", got)
	}
	for i := 0; i < 3; i++ {
		if got := tick(); got != 700 {
			t.Fatalf("tick %d after the commit: %d, want 700", i+1, got)
		}
	}
}

// ticker rebuilds l and returns a tick: the feed's clock a second on, one rollup, and the root's
// left leg volume after it.
func ticker(t *testing.T, feed *memFeed, l *LiveCounters) func() int64 {
	t.Helper()
	ctx := context.Background()
	if _, err := l.Rebuild(ctx); err != nil {
		t.Fatal(err)
	}
	return func() int64 {
		feed.now = feed.now.Add(time.Second)
		if err := l.Tick(ctx); err != nil {
			t.Fatal(err)
		}
		c, _ := l.Read(ctx, []string{"root"})
		return c["root"].Left
	}
}

// A holder that goes on from recorded progress reads the placement tree once as it takes over,
// as a rebuild does: learning it 64 levels per lookup as changes arrived made the first rollups
// after a restart take up to 52 s at 200,000 consultants (issue #19).
func TestLiveCountersGoingOnReadTheTreeOnce(t *testing.T) {
	const depth = 50
	parents := map[string]ParentLink{"root": {}}
	prev := "root"
	for i := 1; i <= depth; i++ {
		id := fmt.Sprintf("n%02d", i)
		parents[id] = ParentLink{Parent: prev, Left: true, Depth: int64(i)}
		prev = id
	}
	feed := &memFeed{now: start, parents: parents}
	cache := &memCounters{}
	ctx := context.Background()
	a := &LiveCounters{Feed: feed, Cache: cache, Log: quiet, Holder: "a"}
	if err := a.Tick(ctx); err != nil { // the first holder rebuilds, reading the tree
		t.Fatal(err)
	}
	_ = cache.Release(ctx, "a")
	b := &LiveCounters{Feed: feed, Cache: cache, Log: quiet, Holder: "b"}
	feed.lookups, feed.wholeReads = 0, 0
	feed.now = start.Add(2 * time.Second)
	feed.changes = append(feed.changes, VolumeChange{ID: "deep", Member: prev, BV: 700, AcceptedAt: start.Add(time.Second)},
		VolumeChange{ID: "shallow", Member: "n01", BV: 5, AcceptedAt: start.Add(time.Second)})
	for range 3 {
		if err := b.Tick(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if feed.wholeReads != 1 || feed.lookups != 0 || cache.replaced != 1 {
		t.Fatalf("%d lookups and %d whole reads of the tree, %d builds; want none, one, one", feed.lookups, feed.wholeReads, cache.replaced)
	}
	r, _ := cache.Read(ctx, []string{"root", "n01", "n25"})
	if r["root"].Left != 705 || r["n01"].Left != 700 || r["n01"].PV != 5 || r["n25"].Left != 700 {
		t.Fatalf("counters after the deep change: %+v", r)
	}
}

// Issue #19: a long left leg's volume lives in sums. Through ticks, a leg growing at its end,
// a new holder going on from the last one's progress (its marks made anew) and a rebuild,
// every member reads the left and right leg volume that walking each sale's path gives.
func TestLiveCountersLongLegsReadTheirVolume(t *testing.T) {
	t0 := start
	feed := &memFeed{now: t0, parents: map[string]ParentLink{"root": {}}}
	var ids []string
	leg := func(n int) { // n more members at the end of root's left leg, each with a right child
		for range n {
			end, depth := "root", int64(0)
			for i := len(ids) - 1; i >= 0; i-- {
				if strings.HasPrefix(ids[i], "c") {
					end, depth = ids[i], feed.parents[ids[i]].Depth
					break
				}
			}
			c := fmt.Sprintf("c%03d", len(ids))
			feed.parents[c] = ParentLink{Parent: end, Left: true, Depth: depth + 1}
			feed.parents["r"+c] = ParentLink{Parent: c, Depth: depth + 2}
			ids = append(ids, c, "r"+c)
		}
	}
	leg(40)
	sold := 0
	sell := func(n int) {
		for range n {
			sold++
			feed.changes = append(feed.changes, VolumeChange{ID: fmt.Sprintf("s%d", sold), Member: ids[(sold*7919)%len(ids)],
				BV: int64(100 + sold%37), AcceptedAt: feed.now.Add(-500 * time.Millisecond)})
		}
	}
	cache := &memCounters{}
	ctx := context.Background()
	holder := func(name string) *LiveCounters {
		l := &LiveCounters{Feed: feed, Cache: cache, Log: quiet, Holder: name}
		l.defaults()
		l.tree.sumsFrom = 3
		return l
	}
	check := func(when string) {
		t.Helper()
		want := map[string][2]int64{}
		for _, c := range feed.changes {
			for m := c.Member; feed.parents[m].Parent != ""; m = feed.parents[m].Parent {
				p := feed.parents[m]
				lg := want[p.Parent]
				lg[map[bool]int{true: 0, false: 1}[p.Left]] += c.BV
				want[p.Parent] = lg
			}
		}
		got, _ := cache.Read(ctx, append([]string{"root"}, ids...))
		for id, c := range got {
			if [2]int64{c.Left, c.Right} != want[id] {
				t.Fatalf("%s: %s left %d right %d, want %v", when, id, c.Left, c.Right, want[id])
			}
		}
		if len(cache.paths.sums) == 0 {
			t.Fatalf("%s: no sums written", when)
		}
	}
	a := holder("a")
	for i := range 6 {
		sell(25)
		if i%2 == 1 {
			leg(5)
		}
		feed.now = feed.now.Add(time.Second)
		if err := a.Tick(ctx); err != nil {
			t.Fatal(err)
		}
		check(fmt.Sprintf("a's tick %d", i))
	}
	_ = cache.Release(ctx, "a")
	b := holder("b")
	for i := range 4 {
		sell(30)
		leg(3)
		feed.now = feed.now.Add(time.Second)
		if err := b.Tick(ctx); err != nil {
			t.Fatal(err)
		}
		check(fmt.Sprintf("b's tick %d", i))
	}
	if cache.replaced != 1 {
		t.Fatalf("b rebuilt instead of going on: %d builds", cache.replaced)
	}
	if _, err := cache.RequestRebuild(ctx); err != nil {
		t.Fatal(err)
	}
	feed.now = feed.now.Add(time.Second)
	if err := b.Tick(ctx); err != nil {
		t.Fatal(err)
	}
	check("rebuilt")
	if cache.replaced != 2 {
		t.Fatalf("%d builds, want 2", cache.replaced)
	}
}
