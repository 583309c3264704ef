package payouts

import (
	"context"
	"io"
	"log/slog"
	"maps"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/halo-oss/halo/engine"
	"github.com/halo-oss/halo/graph"
)

var (
	start = time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC) // a Monday: runs are weekly
	quiet = slog.New(slog.NewTextHandler(io.Discard, nil))
)

// memRuns keeps runs in memory over a fixed snapshot of the network.
type memRuns struct {
	RunStore
	mu         sync.Mutex
	snap       RunSnapshot
	runs       map[string]*Run
	statements map[string][]Statement
	freeze     map[string]Freeze
	commits    int
	accepted   map[string]time.Time // acceptance time of what accept added
	clock      time.Time
	open       map[int]time.Time // writes begun (begin) and not yet committed: their stamps
	opened     int               // writes begun so far
	openErr    error             // when set, OldestOpenAccept fails with it
	block      chan struct{}     // when set, LoadSnapshot signals it and waits for its context to end
	earned     map[string]bool   // committed runs whose analysts' earnings are written
	earnBlock  chan struct{}     // when set, WriteMissingEarnings signals it and waits for its context to end
	looks      int               // calls of LastCommitted: one per projection's look
	paced      []string          // "load" or "delta" for each read that may rest for the API (graph.GiveWay)
	reads      int               // LoadSnapshot and SnapshotDelta calls
	refilled   int               // SnapshotDelta calls handed a former delta to fill
	knownLeft  int               // sales SnapshotDelta left out as known
	refs       int64             // references given to sales accepted so far (engine.Sale.Ref)
}

func (m *memRuns) noteRead(ctx context.Context, what string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.reads++
	if graph.NewPacer(ctx).Paced() {
		m.paced = append(m.paced, what)
	}
}

func newMemRuns() *memRuns {
	d := func(days int) time.Time { return start.AddDate(0, 0, days) }
	at := d(-30)
	return &memRuns{runs: map[string]*Run{}, statements: map[string][]Statement{}, freeze: map[string]Freeze{},
		snap: RunSnapshot{
			Members: []engine.Member{
				{ID: "root", Plan: engine.PlanConsultantPlus, RegisteredAt: at},
				{ID: "ana", Plan: engine.PlanConsultant, Sponsor: "root", Parent: "root", Leg: engine.LegLeft, RegisteredAt: at},
				{ID: "ben", Plan: engine.PlanConsultant, Sponsor: "root", Parent: "root", Leg: engine.LegRight, RegisteredAt: at},
				{ID: "mia", Plan: engine.PlanCustomer, Sponsor: "ana", RegisteredAt: at},
			},
			PlanChanges: map[string][]PlanChange{"ben": {{Plan: engine.PlanConsultantPlus, At: d(3)}}},
			Sales: []engine.Sale{
				{ID: "pack:ana", Kind: engine.SalePack, Member: "ana", OccurredAt: d(1), Price: 9900, BV: 10000},
				{ID: "pack:ben", Kind: engine.SalePack, Member: "ben", OccurredAt: d(1), Price: 9900, BV: 10000},
				{ID: "solar:a-1", Kind: engine.SaleActivation, Member: "mia", OccurredAt: d(2), BV: 40000, CV: 120000, Retail: 30000, Vendor: "solar"},
			},
		}}
}

func (m *memRuns) LastCommitted(context.Context) (*Run, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.looks++
	var last *Run
	for _, r := range m.runs {
		if r.Status == RunCommitted && (last == nil || r.PeriodEnd.After(last.PeriodEnd)) {
			last = r
		}
	}
	return last, nil
}

func (m *memRuns) LoadSnapshot(ctx context.Context, _ string, _, _ time.Time) (*RunSnapshot, error) {
	m.noteRead(ctx, "load")
	if m.block != nil {
		select {
		case m.block <- struct{}{}:
		default:
		}
		<-ctx.Done()
		return nil, ctx.Err()
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.copySnap(func(string) bool { return true }), nil
}

// copySnap copies the snapshot, keeping members, sales and cancellations that keep says.
func (m *memRuns) copySnap(keep func(id string) bool) *RunSnapshot {
	out := &RunSnapshot{PlanChanges: m.snap.PlanChanges, StatusEvents: slices.Clone(m.snap.StatusEvents), Refunds: slices.Clone(m.snap.Refunds), Cutover: m.snap.Cutover}
	out.Members = keepIf(m.snap.Members, func(x engine.Member) bool { return keep(x.ID) })
	out.Prev = keepIf(m.snap.Prev, func(x engine.State) bool { return keep(x.Member) })
	out.Sales = keepIf(m.snap.Sales, func(x engine.Sale) bool { return keep(x.ID) })
	out.Cancellations = keepIf(m.snap.Cancellations, func(x engine.Cancellation) bool { return keep(x.ID) })
	return out
}

func keepIf[T any](xs []T, keep func(T) bool) []T {
	var out []T
	for _, x := range xs {
		if keep(x) {
			out = append(out, x)
		}
	}
	return out
}

// SnapshotDelta lists what was accepted at or after since and before until (the fixed network
// counts as accepted before the test began), but for the sales known, as the store does.
// A former delta handed back is filled again, as the store does, after spoiling all it held: a
// projection that kept any of its rows by reference would then differ from a whole reload.
func (m *memRuns) SnapshotDelta(ctx context.Context, _ string, r Delta, _ time.Time, into *RunSnapshot) (*RunSnapshot, error) {
	m.noteRead(ctx, "delta")
	m.mu.Lock()
	defer m.mu.Unlock()
	d := m.copySnap(func(id string) bool { at, ok := m.accepted[id]; return ok && !at.Before(r.Since) && at.Before(r.Until) })
	d.Sales = slices.DeleteFunc(d.Sales, func(s engine.Sale) bool {
		if slices.Contains(r.Known, s.Ref) {
			m.knownLeft++
			return true
		}
		return false
	})
	if into != nil {
		m.refilled++
		d.Members = append(spoiled(into.Members), d.Members...)
		d.Prev = append(spoiled(into.Prev), d.Prev...)
		d.Sales = append(spoiled(into.Sales), d.Sales...)
		d.Cancellations = append(spoiled(into.Cancellations), d.Cancellations...)
	}
	return d, nil
}

// spoiled zeroes every element xs's array holds and returns it emptied.
func spoiled[T any](xs []T) []T {
	clear(xs[:cap(xs)])
	return xs[:0]
}

func (m *memRuns) OldestOpenAccept(context.Context) (time.Time, bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var oldest time.Time
	for _, at := range m.open {
		if oldest.IsZero() || at.Before(oldest) {
			oldest = at
		}
	}
	return oldest, !oldest.IsZero(), m.openErr
}

// begin opens a write stamped now, as Neo4j stamps with a transaction's start; commit makes
// what it wrote visible, with that stamp, however long it stayed open.
func (m *memRuns) begin() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.open == nil {
		m.open = map[int]time.Time{}
	}
	m.opened++
	h := m.opened
	m.open[h] = m.clock
	m.clock = m.clock.Add(time.Second)
	return h
}

func (m *memRuns) commit(h int, members []engine.Member, sales []engine.Sale, cancels []engine.Cancellation) {
	m.mu.Lock()
	defer m.mu.Unlock()
	at := m.open[h]
	delete(m.open, h)
	m.add(at, members, sales, cancels)
}

func (m *memRuns) SnapshotSmall(context.Context) (*RunSnapshot, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.copySnap(func(string) bool { return false }), nil
}

func (m *memRuns) Clock(context.Context) (time.Time, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.clock, nil
}

// accept adds to the network what an event would, accepted at the store's clock, which then
// moves on a second.
func (m *memRuns) accept(members []engine.Member, sales []engine.Sale, cancels []engine.Cancellation) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.add(m.clock, members, sales, cancels)
	m.clock = m.clock.Add(time.Second)
}

func (m *memRuns) add(at time.Time, members []engine.Member, sales []engine.Sale, cancels []engine.Cancellation) {
	if m.accepted == nil {
		m.accepted = map[string]time.Time{}
	}
	for _, x := range members {
		m.snap.Members = append(m.snap.Members, x)
		if x.Plan.IsConsultant() {
			m.snap.Prev = append(m.snap.Prev, engine.State{Member: x.ID, Rank: "none"})
		}
		m.accepted[x.ID] = at
	}
	for _, x := range sales {
		if x.Ref == 0 {
			m.refs++
			x.Ref = m.refs // as the store gives each sale its node's
		}
		m.snap.Sales = append(m.snap.Sales, x)
		m.accepted[x.ID] = at
	}
	for _, x := range cancels {
		m.snap.Cancellations = append(m.snap.Cancellations, x)
		m.accepted[x.ID] = at
	}
}

func (m *memRuns) SaveDraft(_ context.Context, run Run, stmts func(func(Statement) bool), fr Freeze) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	r := run
	m.runs[r.ID] = &r
	stmts(func(st Statement) bool { m.statements[r.ID] = append(m.statements[r.ID], st); return true })
	m.freeze[r.ID] = fr
	return nil
}

func (m *memRuns) Run(_ context.Context, id string) (*Run, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if r, ok := m.runs[id]; ok {
		c := *r
		return &c, nil
	}
	return nil, graph.NotFound("payout run %s not found", id)
}

func (m *memRuns) Commit(_ context.Context, id, actor string, at time.Time) (*Run, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.commits++
	r := m.runs[id]
	r.Status, r.CommittedAt, r.CommittedBy = RunCommitted, &at, actor
	c := *r
	return &c, nil
}

func (m *memRuns) Lines(_ context.Context, runID string, from LineKey, limit int) ([]RunLine, *LineKey, error) {
	var all []RunLine
	for _, st := range m.statements[runID] {
		for _, l := range st.Lines {
			all = append(all, RunLine{ID: LineID(runID, l.Index), MemberID: st.MemberID, Type: l.Type.String(), Amount: graph.Money(l.Amount)})
		}
	}
	return all, nil, nil
}

func (m *memRuns) PruneSuperseded(context.Context) ([]string, error) { return nil, nil }

func (m *memRuns) WriteMissingEarnings(ctx context.Context) ([]string, error) {
	if m.earnBlock != nil {
		m.earnBlock <- struct{}{}
		<-ctx.Done()
		return nil, ctx.Err()
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.earned == nil {
		m.earned = map[string]bool{}
	}
	var ids []string
	for id, r := range m.runs {
		if r.Status == RunCommitted && !m.earned[id] {
			m.earned[id], ids = true, append(ids, id)
		}
	}
	return ids, nil
}

func (m *memRuns) isEarned(id string) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.earned[id]
}

func payoutService(st *memRuns, now time.Time) *PayoutService {
	return &PayoutService{Store: st, Plan: engine.DefaultConfig(), Now: func() time.Time { return now }, Log: quiet}
}

// A draft is PLAN.md §4 over the snapshot, stored one statement per member in member-id order,
// with exactly what it accounts frozen for its commit.
func TestDraftStoresStatementsAndWhatItAccounts(t *testing.T) {
	st := newMemRuns()
	end := start.AddDate(0, 0, 7)
	s := payoutService(st, end.Add(time.Hour))
	ctx := context.Background()
	if _, err := s.Draft(ctx, CreateRunRequest{}, "admin"); graph.KindOf(err) != graph.KindInvalid {
		t.Errorf("no period_end: %v", err)
	}
	run, err := s.Draft(ctx, CreateRunRequest{PeriodEnd: &end}, "admin")
	if err != nil {
		t.Fatal(err)
	}
	stmts := st.statements[run.ID]
	var ids []string
	lines := 0
	for _, x := range stmts {
		ids = append(ids, x.MemberID)
		lines += len(x.Lines)
		for _, l := range x.Lines {
			if !strings.HasPrefix(LineID(run.ID, l.Index), run.ID+"-") {
				t.Errorf("line id %s", LineID(run.ID, l.Index))
			}
		}
	}
	if !sort.StringsAreSorted(ids) || lines == 0 {
		t.Errorf("statements in member order with their lines: %v (%d lines)", ids, lines)
	}
	fr := st.freeze[run.ID]
	if !slices.Equal(fr.Sales, []string{"pack:ana", "pack:ben", "solar:a-1"}) {
		t.Errorf("the draft accounts every unaccounted sale: %v", fr.Sales)
	}
	// Packs keep their direct lines for a refund (§11), activations their retail and revenue
	// share for a cancellation (§6).
	if !slices.Equal(fr.PaidSales, []string{"pack:ana", "pack:ben", "solar:a-1"}) {
		t.Fatalf("paid sales: %v", fr.PaidSales)
	}
	if len(fr.Unpaid) != 0 {
		t.Errorf("every accounted sale here is paid: %v", fr.Unpaid)
	}
	if d := fr.Paid(1); len(d) != 1 || d[0].Type != engine.LineDirect {
		t.Errorf("lines paid for ben's pack, kept for a refund: %+v", d)
	}
	paid := fr.Paid(2)
	if len(paid) == 0 || paid[0].Type != engine.LineRetail || paid[0].Member != "ana" || paid[0].Amount != 30000 {
		t.Errorf("lines paid for the activation, kept for a clawback: %+v", paid)
	}
	// What the store writes is the run's own lines by index, as EncodePaidLines packs them.
	for i := range fr.PaidSales {
		packed := string(fr.PaidPacked([]byte("kept;"), i)[len("kept;"):])
		if want := EncodePaidLines(run.ID, fr.Paid(i)); packed != want || !strings.HasPrefix(packed, "#") {
			t.Errorf("paid sale %d packed as %q, want %q", i, packed, want)
		}
	}
	// ben's upgrade before the period end puts him on consultant_plus for the run (PLAN.md §2):
	// root's direct bonus on ben's pack is at root's rate, and ben's end state says his plan.
	for _, x := range stmts {
		if x.MemberID == "ben" && x.State.Plan != engine.PlanConsultantPlus {
			t.Errorf("the plan in force is the plan as of the period end: %v", x.State.Plan)
		}
		if x.MemberID == "mia" && x.Consultant {
			t.Error("a customer has no end state")
		}
	}
	if run.Totals.Total == "0.00" || run.Status != RunDraft || run.Base != "" {
		t.Errorf("run %+v", run)
	}
	// The commit pays the draft; the next draft must follow the cadence.
	if _, err := s.Commit(ctx, run.ID, "admin"); err != nil {
		t.Fatal(err)
	}
	bad := end.AddDate(0, 0, 6)
	if _, err := s.Draft(ctx, CreateRunRequest{PeriodEnd: &bad}, "admin"); graph.KindOf(err) != graph.KindInvalid || !strings.Contains(err.Error(), "cadence") {
		t.Errorf("off the cadence: %v", err)
	}
}

func TestCommitRules(t *testing.T) {
	st := newMemRuns()
	end := start.AddDate(0, 0, 7)
	ctx := context.Background()
	early := payoutService(st, end.Add(-time.Hour))
	run, err := early.Draft(ctx, CreateRunRequest{PeriodEnd: &end}, "admin")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := early.Commit(ctx, run.ID, "admin"); graph.KindOf(err) != graph.KindConflict {
		t.Errorf("a period that has not ended is previewed, not committed: %v", err)
	}
	if _, err := early.ForExport(ctx, run.ID); graph.KindOf(err) != graph.KindConflict {
		t.Errorf("only committed runs export: %v", err)
	}
	after := 0
	s := payoutService(st, end.Add(time.Hour))
	s.AfterCommit = func() { after++ }
	for i := 0; i < 2; i++ {
		r, err := s.Commit(ctx, run.ID, "admin")
		if err != nil || r.Status != RunCommitted {
			t.Fatalf("commit %d: %v %+v", i, err, r)
		}
	}
	if st.commits != 1 || after != 1 {
		t.Errorf("a second commit of the same run changes nothing: %d commits, %d after-commit hooks", st.commits, after)
	}
	r, err := s.ForExport(ctx, run.ID)
	if err != nil || r.ID != run.ID {
		t.Fatal(err)
	}
	n := 0
	if err := s.EachLine(ctx, run.ID, func(RunLine) error { n++; return nil }); err != nil || n == 0 {
		t.Errorf("export walks every line: %d %v", n, err)
	}
}

// Statements explain each line in words and figures (PLAN.md §4).
func TestExplanations(t *testing.T) {
	for _, c := range []struct {
		l    StatementLine
		want string
	}{
		{StatementLine{Type: engine.LineBinary, Basis: engine.Basis{Base: 16000, Rate: 100000, Detail: &engine.Detail{Left: 55000, Right: 16000, Pair: 16000, Cap: 100000, Flushed: 0}}},
			"binary: left 550.00 BV and right 160.00 BV pair 160.00 BV at 0.1, capped at 1000.00 per run (0.00 flushed)"},
		{StatementLine{Type: engine.LinePool, Basis: engine.Basis{Detail: &engine.Detail{Pool: 2000, Shares: 2, TotalShares: 3, ShareValue: 666}}},
			"leadership pool 20.00 split in 3 shares of 6.66 (rounded down); 2 share(s)"},
		{StatementLine{Type: engine.LineRevenueShare, Generation: 2, Source: "solar:a-1", Basis: engine.Basis{Base: 120000, Rate: 30000, Skipped: 1}},
			"revenue share generation 2: 0.03 of CV 1200.00 on solar:a-1 (1 inactive member(s) compressed)"},
		{StatementLine{Type: engine.LineDirect, Source: "pack:ana", Basis: engine.Basis{Base: 9900, Rate: 100000}},
			"direct bonus: 0.1 of 99.00 on pack:ana"},
		{StatementLine{Type: engine.LineRetail, Source: "solar:a-1", ReversalOf: "run-1-4", Basis: engine.Basis{Base: 30000}},
			"clawback of line run-1-4: solar:a-1 was cancelled"},
	} {
		if got := Explain(c.l).Text; got != c.want {
			t.Errorf("%s: %q\n want %q", c.l.Type, got, c.want)
		}
	}
}

func TestPaidLinesRoundTrip(t *testing.T) {
	for _, c := range []struct {
		run, enc string
		p        engine.PaidLine
	}{
		// A line of the run that accounts the sale is kept by its index in that run.
		{"run-1", "#7|ana|revenue_share|-1234|3", engine.PaidLine{ID: "run-1-7", Member: "ana", Type: engine.LineRevenueShare, Amount: -1234, Generation: 3}},
		{"run-1", "#0|ana|retail|5|0", engine.PaidLine{ID: "run-1-0", Member: "ana", Type: engine.LineRetail, Amount: 5}},
		// Any other id is kept whole: another run's, one that only looks like an index, none.
		{"run-1", "run-2-7|ana|direct|100|0", engine.PaidLine{ID: "run-2-7", Member: "ana", Type: engine.LineDirect, Amount: 100}},
		{"run-1", "run-1-07|ana|direct|100|0", engine.PaidLine{ID: "run-1-07", Member: "ana", Type: engine.LineDirect, Amount: 100}},
		{"run-1", "run-1-x|ana|direct|100|0", engine.PaidLine{ID: "run-1-x", Member: "ana", Type: engine.LineDirect, Amount: 100}},
		{"run-1", "run-1-+7|ana|direct|100|0", engine.PaidLine{ID: "run-1-+7", Member: "ana", Type: engine.LineDirect, Amount: 100}},
		{"", "run-1-7|ana|direct|100|0", engine.PaidLine{ID: "run-1-7", Member: "ana", Type: engine.LineDirect, Amount: 100}},
	} {
		if got := EncodePaid(c.run, c.p); got != c.enc {
			t.Errorf("EncodePaid(%q, %+v) = %q, want %q", c.run, c.p, got, c.enc)
		}
		if got, ok := DecodePaid(c.run, c.enc); !ok || got != c.p {
			t.Errorf("DecodePaid(%q, %q) = %+v %v", c.run, c.enc, got, ok)
		}
	}
	// Lines paid before issue #19 name their whole id, whatever run reads them.
	if got, ok := DecodePaid("run-9", "run-1-7|ana|retail|3000|0"); !ok || got.ID != "run-1-7" {
		t.Errorf("%+v %v", got, ok)
	}
	if got := EncodePaidLines("run-1", []engine.PaidLine{{ID: "run-1-7", Member: "ana", Type: engine.LineRetail, Amount: 3000},
		{ID: "run-1-8", Member: "root", Type: engine.LineRevenueShare, Amount: 120, Generation: 1}}); got != "#7|ana|retail|3000|0;#8|root|revenue_share|120|1" {
		t.Errorf("EncodePaidLines: %q", got)
	}
	for _, bad := range []string{"", "a|b|c", "id|m|nonsense|1|0", "id|m|retail|x|0", "#x|m|retail|1|0", "#-1|m|retail|1|0", "#+1|m|retail|1|0", "#01|m|retail|1|0", "|m|retail|1|0"} {
		if _, ok := DecodePaid("run-1", bad); ok {
			t.Errorf("%q decoded", bad)
		}
	}
	// A relative id needs the run that accounted the sale.
	if _, ok := DecodePaid("", "#7|ana|retail|1|0"); ok {
		t.Error("a relative id decoded without its run")
	}
}

// The projection is the run a draft would make now, kept in memory; it is recomputed only
// when volume changed since.
func TestProjectionIsTheOpenPeriodsWhatIf(t *testing.T) {
	st := newMemRuns()
	now := start.AddDate(0, 0, 3)
	p := &Projector{Payouts: payoutService(st, now), Log: quiet}
	ctx := context.Background()
	if p.Current() != nil {
		t.Fatal("nothing before the first projection")
	}
	if err := p.Refresh(ctx, false); err != nil {
		t.Fatal(err)
	}
	cur := p.Current()
	root := cur.Member("root")
	if !cur.PeriodEnd.Equal(now) || root == nil || root.Generations[0] != 2 || root.Generations[1] != 1 || root.ByType[engine.LineDirect] == 0 {
		t.Fatalf("projection %+v, root %+v", cur, root)
	}
	if err := p.Refresh(ctx, false); err != nil || p.Current() != cur {
		t.Errorf("no change, no recompute: %v", err)
	}
	// A status change or a refund (PLAN.md §10, §11) marks it stale: recomputed once, from the
	// small collections read again, not a whole reload.
	p.Stale()
	if err := p.Refresh(ctx, false); err != nil || p.Current() == cur {
		t.Errorf("stale recomputes: %v", err)
	}
	if reloads, updates := p.Counts(); reloads != 1 || updates != 1 {
		t.Errorf("stale: %d whole reloads and %d updates, want 1 and 1", reloads, updates)
	}
	cur = p.Current()
	if err := p.Refresh(ctx, false); err != nil || p.Current() != cur {
		t.Errorf("once: %v", err)
	}
	st.accept(nil, []engine.Sale{{ID: "s9", Kind: engine.SaleActivation, Member: "mia", OccurredAt: now.Add(-time.Hour), BV: 10000, CV: 10000, Vendor: "solar"}}, nil)
	if err := p.Refresh(ctx, false); err != nil || p.Current() == cur {
		t.Errorf("a change recomputes: %v", err)
	}
}

// A sale accepted in this process is projected at once, not at the next poll (issue #19).
func TestAnAcceptedSaleWakesTheProjection(t *testing.T) {
	st := newMemRuns()
	now := start.AddDate(0, 0, 3)
	p := &Projector{Payouts: payoutService(st, now), Log: quiet, Interval: 2 * time.Second}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go p.Run(ctx)
	looks := func() int { st.mu.Lock(); defer st.mu.Unlock(); return st.looks }
	// Just after its second look (the first poll) the next poll is a whole Interval away.
	for deadline := time.Now().Add(10 * time.Second); looks() < 2; time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the projection never looked a second time")
		}
	}
	before := p.Current()
	st.accept(nil, []engine.Sale{{ID: "s9", Kind: engine.SaleActivation, Member: "mia", OccurredAt: now.Add(-time.Hour), BV: 10000, CV: 10000, Vendor: "solar"}}, nil)
	asked := time.Now()
	p.Accepted()
	p.Accepted() // a second ask while one is due changes nothing, and never blocks
	for p.Current() == before {
		if time.Since(asked) > p.Interval/2 {
			t.Fatalf("the sale was not projected within %s of being accepted (the poll is every %s)", p.Interval/2, p.Interval)
		}
		time.Sleep(5 * time.Millisecond)
	}
	if got, was := p.Current().Member("ana"), before.Member("ana"); got == nil || got.State.PersonalVolume != was.State.PersonalVolume+10000 {
		t.Fatalf("ana's projection did not take the sale in: %+v, before %+v", got, was)
	}
}

// §2, §11: the plan in force at a period end, whatever order the changes come in.
func TestPlanAt(t *testing.T) {
	d := func(day int) time.Time { return time.Date(2026, 1, day, 0, 0, 0, 0, time.UTC) }
	up := func(day int, p engine.Plan) PlanChange { return PlanChange{At: d(day), Plan: p} }
	ref := func(day int, p engine.Plan) PlanChange { return PlanChange{At: d(day), Plan: p, Refund: true} }
	cases := []struct {
		name    string
		changes []PlanChange
		want    engine.Plan
	}{
		{"none", nil, engine.PlanConsultant},
		{"an upgrade", []PlanChange{up(3, engine.PlanConsultantPlus)}, engine.PlanConsultantPlus},
		{"after the end", []PlanChange{up(12, engine.PlanConsultantPlus)}, engine.PlanConsultant},
		{"refunded the same day", []PlanChange{ref(5, engine.PlanConsultant), up(5, engine.PlanConsultantPlus)}, engine.PlanConsultant},
		{"upgrade and pack refunded at once", []PlanChange{ref(6, engine.PlanAffiliate), up(4, engine.PlanConsultantPlus), ref(6, engine.PlanConsultant)}, engine.PlanAffiliate},
		{"two upgrades at once", []PlanChange{up(4, engine.PlanConsultantPlus), up(4, engine.PlanConsultant)}, engine.PlanConsultantPlus},
		{"upgraded again after a refund", []PlanChange{up(2, engine.PlanConsultantPlus), ref(3, engine.PlanConsultant), up(4, engine.PlanConsultantPlus)}, engine.PlanConsultantPlus},
	}
	for _, c := range cases {
		if got := planAt(engine.PlanConsultant, c.changes, d(10)); got != c.want {
			t.Errorf("%s: %s, want %s", c.name, got, c.want)
		}
	}
}

func TestDraftChangeFromPreviousRun(t *testing.T) {
	prev := &Run{ID: "r1", Totals: RunTotals{ByType: map[string]string{"binary": "100.00", "direct": "20.00"}, ByVendor: map[string]string{"sun": "120.00"}, Total: "120.00"}}
	cur := &Run{ID: "r2", Totals: RunTotals{ByType: map[string]string{"binary": "80.50", "direct": "20.00", "pool": "5.00"}, ByVendor: map[string]string{"plan": "105.50"}, Total: "105.50"}}
	c := changeFrom(prev, cur)
	want := map[string]string{"binary": "-19.50", "direct": "0.00", "pool": "5.00"}
	for k, v := range want {
		if c.ByType[k] != v {
			t.Errorf("%s: %s, want %s", k, c.ByType[k], v)
		}
	}
	if c.Total != "-14.50" || c.ByVendor["sun"] != "-120.00" || c.ByVendor["plan"] != "105.50" || c.PreviousRunID != "r1" {
		t.Errorf("change: %+v", c)
	}
}

// Analysts' earnings are written after a commit, not inside it, and step aside for payout runs.
func TestEarningsFollowTheCommitAndYieldToRuns(t *testing.T) {
	ctx := context.Background()
	st := newMemRuns()
	end := start.AddDate(0, 0, 7)
	s := payoutService(st, end.Add(time.Hour))
	run, err := s.Draft(ctx, CreateRunRequest{PeriodEnd: &end}, "admin")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Commit(ctx, run.ID, "admin"); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(5 * time.Second); !st.isEarned(run.ID); time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the committed run's earnings were not written after the commit")
		}
	}

	st.mu.Lock()
	delete(st.earned, run.ID) // as if a crash had left them unwritten
	st.mu.Unlock()
	leave := s.gate.enter()
	st.earnBlock = make(chan struct{}, 1)
	if err := s.WriteEarnings(ctx); err != nil || len(st.earnBlock) != 0 {
		t.Fatalf("earnings were written during a payout run: %v", err)
	}
	leave()

	errc := make(chan error, 1)
	go func() { errc <- s.WriteEarnings(ctx) }()
	<-st.earnBlock // the write is under way
	st.earnBlock = nil
	next := end.AddDate(0, 0, 7)
	done := make(chan error, 1)
	go func() { _, err := s.Draft(ctx, CreateRunRequest{PeriodEnd: &next}, "admin"); done <- err }()
	select {
	case err := <-errc:
		if err != nil {
			t.Fatalf("a yielding write is no failure: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the earnings write under way was not cancelled by the draft")
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if st.isEarned(run.ID) {
		t.Fatal("a cancelled write recorded earnings")
	}
	if err := s.WriteEarnings(ctx); err != nil || !st.isEarned(run.ID) {
		t.Fatalf("not resumed after the run: %v", err)
	}
}

// Issue #19: the freeze splits the accounted sales into those the run paid lines for (kept with
// their lines, by position in PaidSales) and the others, without a map keyed by sale id.
func TestFreezeSplitsAccountedSalesIntoPaidAndUnpaid(t *testing.T) {
	at := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	in := engine.Input{Config: engine.DefaultConfig(), End: at.AddDate(0, 0, 7), Members: []engine.Member{
		{ID: "root", Plan: engine.PlanConsultantPlus, RegisteredAt: at},
		{ID: "ana", Plan: engine.PlanConsultant, Sponsor: "root", Parent: "root", Leg: engine.LegLeft, RegisteredAt: at.Add(time.Hour)},
		{ID: "cu", Plan: engine.PlanCustomer, Sponsor: "ana", RegisteredAt: at.Add(2 * time.Hour)},
	}, Sales: []engine.Sale{
		{ID: "v:2", Kind: engine.SaleActivation, Member: "cu", OccurredAt: at.Add(3 * time.Hour), BV: 1000, Vendor: "v", Ref: 12}, // pays nobody
		{ID: "v:1", Kind: engine.SaleActivation, Member: "cu", OccurredAt: at.Add(3 * time.Hour), BV: 1000, CV: 3000, Retail: 1500, Vendor: "v", Ref: 11},
		{ID: "pack:ana", Kind: engine.SalePack, Member: "ana", OccurredAt: at.Add(time.Hour), Price: 9900, BV: 5000, Ref: 10},
	}}
	res, err := engine.Run(in)
	if err != nil {
		t.Fatal(err)
	}
	_, fr := statementsOf("run-x", res)
	if !slices.Equal(fr.Sales, []string{"pack:ana", "v:1", "v:2"}) || !slices.Equal(fr.PaidSales, []string{"pack:ana", "v:1"}) || !slices.Equal(fr.Unpaid, []string{"v:2"}) {
		t.Fatalf("accounted %v, paid %v, unpaid %v", fr.Sales, fr.PaidSales, fr.Unpaid)
	}
	// Each keeps the store's reference to it, for the commit.
	if !slices.Equal(fr.PaidRefs, []int64{10, 11}) || !slices.Equal(fr.UnpaidRefs, []int64{12}) {
		t.Errorf("references: paid %v, unpaid %v", fr.PaidRefs, fr.UnpaidRefs)
	}
	if p := fr.Paid(0); len(p) != 1 || p[0].Type != engine.LineDirect || p[0].Member != "root" {
		t.Errorf("the pack's direct bonus: %+v", p)
	}
	want := map[engine.LineType]bool{}
	for i := 0; i < res.Len(); i++ {
		if l := res.Line(i); l.Source == "v:1" {
			want[l.Type] = true
		}
	}
	got := map[engine.LineType]bool{}
	for _, p := range fr.Paid(1) {
		if !strings.HasPrefix(p.ID, "run-x-") {
			t.Errorf("line id %s", p.ID)
		}
		got[p.Type] = true
	}
	if len(got) == 0 || !maps.Equal(got, want) {
		t.Errorf("the activation's lines: %v, want %v", got, want)
	}
}
