// Package payouts is the money: payout runs over the engine (PLAN.md §4) with their
// statements, commits and exports, the projection of the open period, the live volume counters,
// and wallets with their withdrawals.
package payouts

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/halo-oss/halo/engine"
	"github.com/halo-oss/halo/graph"
)

// Run statuses.
const (
	RunDraft      = "draft"
	RunCommitting = "committing" // a commit is being applied in batches; it always finishes
	RunCommitted  = "committed"
)

// Run is a payout run (API.md, Payout runs; PLAN.md §4).
type Run struct {
	ID          string     `json:"id"`
	Status      string     `json:"status"`
	PeriodStart *time.Time `json:"period_start" extensions:"x-nullable"` // null for the first run
	PeriodEnd   time.Time  `json:"period_end"`
	Totals      RunTotals  `json:"totals"`
	CreatedAt   time.Time  `json:"created_at"`
	CreatedBy   string     `json:"created_by,omitempty"`
	CommittedAt *time.Time `json:"committed_at,omitempty"`
	CommittedBy string     `json:"committed_by,omitempty"`
	// Base is the last committed run when the draft was made; a commit since makes it stale.
	Base string `json:"base_run,omitempty"`
	// Change is a draft's difference from its base run (GET of a draft only).
	Change *RunChange `json:"change_from_previous,omitempty"`
}

// RunTotals summarises a run in decimal strings.
type RunTotals = engine.TotalsText

// RunLine is a line as the API shows it.
type RunLine struct {
	ID         string `json:"id"`
	MemberID   string `json:"member_id"`
	Type       string `json:"type"`
	Amount     string `json:"amount"`
	SourceID   string `json:"source_id,omitempty"`
	Generation int    `json:"generation,omitempty"`
	ReversalOf string `json:"reversal_of,omitempty"`
	Vendor     string `json:"vendor,omitempty"`
}

// RunMember is a consultant's end state for a run.
type RunMember struct {
	MemberID      string `json:"member_id"`
	Rank          string `json:"rank"`
	Active        bool   `json:"active"`
	CarryLeft     string `json:"carry_left"`
	CarryRight    string `json:"carry_right"`
	LifetimeLeft  string `json:"lifetime_left"`
	LifetimeRight string `json:"lifetime_right"`
	Total         string `json:"total"`
	// PLAN.md §10: Status for the run when not active, from when, and Note in words; Sponsor is
	// the effective sponsor when the recorded one was terminated (roll-up).
	Status      string     `json:"status,omitempty"`
	StatusSince *time.Time `json:"status_since,omitempty"`
	Sponsor     string     `json:"effective_sponsor,omitempty"`
	Note        string     `json:"note,omitempty"`
}

// StatusNote explains a run's member state in words (PLAN.md §10).
func StatusNote(status string, since *time.Time, sponsor string) string {
	var parts []string
	if status == "suspended" || status == "terminated" {
		from := ""
		if since != nil {
			from = " from " + since.UTC().Format(time.RFC3339)
		}
		parts = append(parts, fmt.Sprintf("not paid: %s%s; not active, no line but reversals of earlier ones (PLAN.md §10)", status, from))
	}
	if sponsor != "" {
		parts = append(parts, fmt.Sprintf("sponsor for this run: %s (the recorded sponsor is terminated; roll-up, PLAN.md §10)", sponsor))
	}
	return strings.Join(parts, "; ")
}

// Statement is one member's part of a run: its lines and, for a consultant, its end state.
type Statement struct {
	MemberID   string
	Consultant bool
	State      engine.MemberResult
	Lines      []StatementLine
}

// StatementLine is a stored line with the figures it came from.
type StatementLine struct {
	Index      int // position in the run: the line id is "<run>-<index>"
	Type       engine.LineType
	Amount     engine.Units
	Source     string
	Generation int
	ReversalOf string
	Vendor     string
	Basis      engine.Basis
	Compressed []string // revenue share: the inactive members skipped below the earner
}

// Freeze is what a draft accounts, so its commit pays exactly that.
type Freeze struct {
	Sales             []string
	Clawed            []string
	Voided            []string
	VoidedActivations []string
	// ClawedRefunds and VoidedRefunds are the refunds the run accounts (§11); VoidedSales the
	// packs and upgrades a voiding refund leaves out for good.
	ClawedRefunds []string
	VoidedRefunds []string
	VoidedSales   []string
	// PaidSales are the sales this run paid retail, revenue share or a direct bonus for, in id
	// order; Paid renders the lines paid for PaidSales[i] (kept on the sale for a later
	// clawback). Rendering on demand keeps ten million lines from being held twice.
	PaidSales []string
	Paid      func(i int) []engine.PaidLine
	// PaidPacked appends EncodePaidLines(run, Paid(i)) to b, written without naming every line
	// first, into the caller's buffer: a string per sale, grown from nothing and copied again
	// into the freeze's chunk, was two thirds of halod's CPU for the freeze at 1M (issue #19).
	// The store writes this form; Paid is the same lines to read (tests check the two agree).
	PaidPacked func(b []byte, i int) []byte
	// Unpaid are the other accounted sales. Every paid sale is one of Sales: the engine writes
	// direct, retail and revenue-share lines only for the sales it accounts (engine/run.go,
	// saleLines), so a commit marks a paid sale and keeps its lines in one write.
	Unpaid []string
	// UnpaidRefs[i] and PaidRefs[i] are the store's references (engine.Sale.Ref, 0 for none) of
	// Unpaid[i] and PaidSales[i]: a commit marks a million sales by reference instead of
	// looking each up by id (issue #19).
	UnpaidRefs, PaidRefs []int64
	// Promoted are the consultants whose rank the run raises (§4 step 3). A consultant's carry,
	// lifetime volume and rank for the next run are its statement in the last committed run;
	// only the rank is also kept on the member (profiles, search, the tree show it), so a commit
	// writes the few promotions instead of a million states.
	Promoted []string
}

// RunSnapshot is what the engine needs, read from Neo4j.
type RunSnapshot struct {
	Members []engine.Member
	// PlanChanges are each member's plan changes after registration: upgrades, and refunds that
	// set the plan back (§11), in any order.
	PlanChanges   map[string][]PlanChange
	Sales         []engine.Sale
	Cancellations []engine.Cancellation
	Prev          []engine.State
	Cutover       *time.Time
	StatusEvents  []engine.StatusEvent // PLAN.md §10, every one recorded
	Refunds       []engine.Refund      // PLAN.md §11, those not yet accounted
}

// PlanChange is a plan taking effect at a time: an upgrade's, or the plan a refund sets back.
type PlanChange struct {
	At     time.Time
	Plan   engine.Plan
	Refund bool
}

// planAt is the plan in force as of end (§2, §11): the latest change before end. Among changes
// at the same time a refund comes after the purchase it refunds; upgrades only go up, so of two
// upgrades the higher plan is the later, and refunds only go down, so of two refunds the lower.
func planAt(registered engine.Plan, changes []PlanChange, end time.Time) engine.Plan {
	var best *PlanChange
	for i := range changes {
		c := &changes[i]
		if !c.At.Before(end) {
			continue
		}
		if best == nil || c.At.After(best.At) || (c.At.Equal(best.At) && (c.Refund && !best.Refund || !c.Refund && !best.Refund && c.Plan > best.Plan || c.Refund && best.Refund && c.Plan < best.Plan)) {
			best = c
		}
	}
	if best == nil {
		return registered
	}
	return best.Plan
}

// Delta is what a SnapshotDelta reads: what was accepted at or after Since and before Until, a
// Clock taken before (what is accepted from then on is the next read's), but for the sales
// whose references (engine.Sale.Ref) are in Known, read in full by an earlier read. A read
// begins before the last one's clock, since a write still open then may commit with an earlier
// stamp (Projector.nextSince); re-reading the sales the last read returned was half of every
// update's read under full ingest (issue #19). A sale read once is read the same again: it is
// never deleted, and what changes it (a void, a commit, a confirmed pack's new acceptance) is
// either left out of every read or brings a whole reload.
type Delta struct {
	Since, Until time.Time
	Known        []int64
}

// RunStore persists runs (implemented over Neo4j).
type RunStore interface {
	LastCommitted(ctx context.Context) (*Run, error)
	Cutover(ctx context.Context) (*time.Time, error)
	// LoadSnapshot reads what a run ending at end needs. base is the last committed run (""
	// before the first): its statements hold the consultants' previous state (PLAN.md §4).
	LoadSnapshot(ctx context.Context, base string, end, windowStart time.Time) (*RunSnapshot, error)
	// SnapshotDelta reads the members, sales and cancellations LoadSnapshot would list that were
	// accepted in d's range, less the sales it knows (Delta). into, when not nil, is a delta read
	// before and let go: its arrays are emptied and filled again.
	SnapshotDelta(ctx context.Context, base string, d Delta, windowStart time.Time, into *RunSnapshot) (*RunSnapshot, error)
	// OldestOpenAccept is the stamp of the oldest write still open that stamps what it accepts
	// (members, sales, cancellations: each with its transaction's start on the store's Clock),
	// and false when none is open. Asked after a Clock, it bounds what may still commit before
	// that clock: nothing stamped earlier than it.
	OldestOpenAccept(ctx context.Context) (time.Time, bool, error)
	// SnapshotSmall reads what LoadSnapshot reads whole and is few: plan changes, status events,
	// refunds and the cutover.
	SnapshotSmall(ctx context.Context) (*RunSnapshot, error)
	// Clock is the store's clock: what was committed before it is visible to a read after it.
	Clock(ctx context.Context) (time.Time, error)
	// SaveDraft stores the run; statements yields one statement per member, in member-id order.
	SaveDraft(ctx context.Context, run Run, statements func(yield func(Statement) bool), freeze Freeze) error
	Statement(ctx context.Context, runID, memberID string) (*MemberStatement, error)
	Run(ctx context.Context, id string) (*Run, error)
	Runs(ctx context.Context) ([]Run, error)
	// Commit applies a draft: serialized against every other commit; Conflict when the draft is
	// stale (another run was committed since it was made) or its period is already paid.
	Commit(ctx context.Context, id, actor string, at time.Time) (*Run, error)
	// ResumeCommits finishes the commits claimed but silent since before (their process died).
	ResumeCommits(ctx context.Context, before time.Time) ([]string, error)
	// CommitBeat records that the process committing run id is alive.
	CommitBeat(ctx context.Context, id string, at time.Time) error
	// WriteMissingEarnings writes the analysts' earnings of committed runs that lack them.
	WriteMissingEarnings(ctx context.Context) ([]string, error)
	// Lines pages by key: from line position k of member on; next is nil at the end.
	Lines(ctx context.Context, runID string, from LineKey, limit int) (lines []RunLine, next *LineKey, err error)
	// RunMembers pages consultants after the given member id; next is "" at the end.
	RunMembers(ctx context.Context, runID, after string, limit int) (members []RunMember, next string, err error)
	// PruneSuperseded removes the statements of drafts that can never be committed.
	PruneSuperseded(ctx context.Context) ([]string, error)
}

// PayoutService previews and commits runs.
type PayoutService struct {
	Store RunStore
	Plan  *engine.Config
	Now   func() time.Time
	Log   *slog.Logger
	// AfterCommit runs after a commit (the live counters rebuild: accounted volume leaves the
	// open period).
	AfterCommit func()
	Audit       *graph.Auditor

	// Signal, when set, tells the other replicas' background work that a run is under way.
	Signal RunSignal
	// Foreground and GiveWay pace the projection's whole reloads and the analysts' earnings while the
	// API is in use (graph.GiveWay).
	Foreground *graph.Foreground
	GiveWay    float64

	gate     runGate      // background work yields to drafts and commits
	keepers  keepers      // the projectors whose kept snapshot a draft starts from
	fromKept atomic.Int64 // drafts started from a kept snapshot (DraftsFromKept)
	earnings sync.Mutex   // one analysts' earnings write at a time
}

// CreateRunRequest is POST /payout-runs.
type CreateRunRequest struct {
	PeriodEnd *time.Time `json:"period_end"`
}

// Draft computes a preview of PLAN.md §4 over everything accepted so far and stores it.
func (s *PayoutService) Draft(ctx context.Context, req CreateRunRequest, actor string) (*Run, error) {
	defer s.announce(ctx, "draft")()
	last, err := s.Store.LastCommitted(ctx)
	if err != nil {
		return nil, err
	}
	if req.PeriodEnd == nil {
		// After the first run the cadence decides the next period end (§4); the first needs one.
		if last == nil {
			return nil, graph.InvalidField("period_end", "is required for the first run (RFC 3339)")
		}
		next := last.PeriodEnd.AddDate(0, 0, s.Plan.CadenceDays)
		req.PeriodEnd = &next
	}
	end := req.PeriodEnd.UTC()
	var start *time.Time
	if last != nil {
		want := last.PeriodEnd.AddDate(0, 0, s.Plan.CadenceDays)
		if !end.Equal(want) {
			return nil, graph.InvalidField("period_end", "is off the plan's cadence: the run after the one ending %s ends at %s",
				last.PeriodEnd.Format(time.RFC3339), want.Format(time.RFC3339))
		}
		st := last.PeriodEnd
		start = &st
	}
	started := time.Now()
	base := ""
	if last != nil {
		base = last.ID
	}
	res, tm, err := s.compute(ctx, base, start, end)
	if err != nil {
		return nil, err
	}
	loaded, computed := tm.load, tm.compute
	run := Run{ID: fmt.Sprintf("run-%s-%d", end.Format("20060102"), s.Now().UnixNano()%1_000_000_000), Status: RunDraft, PeriodStart: start,
		PeriodEnd: end, Totals: res.Totals.Text(), CreatedAt: s.Now().UTC(), CreatedBy: actor}
	if last != nil {
		run.Base = last.ID
	}
	stmts, freeze := statementsOf(run.ID, res)
	if err := s.Store.SaveDraft(ctx, run, stmts, freeze); err != nil {
		return nil, err
	}
	s.Audit.Record(ctx, "payout.draft", "payout_run", run.ID, nil, run)
	s.Log.Info("payout draft", "run", run.ID, "period_end", end.Format(time.RFC3339), "lines", res.Totals.Lines, "total", res.Totals.Total.String(),
		"load", loaded.Round(time.Millisecond), "compute", computed.Round(time.Millisecond), "write", (time.Since(started) - loaded - computed).Round(time.Millisecond),
		"snapshot", tm.snapshot, "caught_up_rows", tm.caughtUp)
	return &run, nil
}

// maxCompressedListed bounds the names a line lists (its Skipped count is always exact).
const maxCompressedListed = 20

// statementsOf groups the run's lines by member (one statement per member per run) without
// materialising them all: a CSR index of line numbers per member, expanded one statement at a
// time while the store writes them. It also lists what the run accounts.
func statementsOf(runID string, res *engine.Result) (func(func(Statement) bool), Freeze) {
	fr := Freeze{Sales: res.AccountedSales, Clawed: res.Clawed, Voided: res.Voided, VoidedActivations: res.VoidedActivations,
		ClawedRefunds: res.ClawedRefunds, VoidedRefunds: res.VoidedRefunds, VoidedSales: res.VoidedSales}
	// Members by the engine's index, not by id: no map of a million ids, and no lookup of
	// seventeen million lines' members by string.
	ids := res.MemberIDs()
	consultant := make([]int32, len(ids)) // index in res.Members, or -1
	for k := range consultant {
		consultant[k] = -1
	}
	for i, m := range res.Members {
		k, _ := res.MemberIndex(m.Member)
		consultant[k] = int32(i)
		if m.Promoted {
			fr.Promoted = append(fr.Promoted, m.Member)
		}
	}
	n := res.Len()
	// The lines paid per sale, by sale index (a CSR index, not a map keyed by id: a million-
	// member run pays three million sales). Kept on the sale for a later reversal: retail and
	// revenue share for a cancellation (§6), the direct bonus for a refund (§11).
	paidStart := make([]int32, res.SaleCount()+1)
	paidFor := func(i int) int32 {
		switch res.LineType(i) {
		case engine.LineRetail, engine.LineRevenueShare, engine.LineDirect:
			return res.LineSale(i) // -1 for a reversal
		}
		return -1
	}
	start := make([]int32, len(ids)+1) // each member's lines, CSR by member index
	for i := 0; i < n; i++ {
		start[res.LineMemberIndex(i)+1]++
		if sk := paidFor(i); sk >= 0 {
			paidStart[sk+1]++
		}
	}
	for k := 1; k < len(paidStart); k++ {
		paidStart[k] += paidStart[k-1]
	}
	paidLines := make([]int32, paidStart[len(paidStart)-1])
	next := append([]int32(nil), paidStart[:len(paidStart)-1]...)
	var paidSale []int32 // PaidSales[i] is sale paidSale[i]
	for i := 0; i < n; i++ {
		if sk := paidFor(i); sk >= 0 {
			paidLines[next[sk]] = int32(i)
			next[sk]++
		}
	}
	for k := 0; k+1 < len(paidStart); k++ {
		if paidStart[k+1] > paidStart[k] {
			paidSale = append(paidSale, int32(k))
			fr.PaidSales = append(fr.PaidSales, res.SaleID(k))
			fr.PaidRefs = append(fr.PaidRefs, res.SaleRef(k))
		}
	}
	// Both lists are in sale-id order (the engine accounts sales in id order): one merge.
	fr.Unpaid = make([]string, 0, max(len(fr.Sales)-len(fr.PaidSales), 0))
	fr.UnpaidRefs = make([]int64, 0, cap(fr.Unpaid))
	for i, j := 0, 0; i < len(fr.Sales); i++ {
		for j < len(fr.PaidSales) && fr.PaidSales[j] < fr.Sales[i] {
			j++
		}
		if j == len(fr.PaidSales) || fr.PaidSales[j] != fr.Sales[i] {
			fr.Unpaid = append(fr.Unpaid, fr.Sales[i])
			fr.UnpaidRefs = append(fr.UnpaidRefs, res.AccountedRefs[i])
		}
	}
	// The run's own lines, so each is kept by its index (EncodePaid's "#i") without naming it
	// first: seventeen million lines at 1M.
	fr.PaidPacked = func(b []byte, i int) []byte {
		k := paidSale[i]
		for j, li := range paidLines[paidStart[k]:paidStart[k+1]] {
			if j > 0 {
				b = append(b, ';')
			}
			l := res.Line(int(li))
			b = appendPaidFields(strconv.AppendInt(append(b, '#'), int64(li), 10), l.Member, l.Type, l.Amount, l.Generation)
		}
		return b
	}
	fr.Paid = func(i int) []engine.PaidLine {
		k := paidSale[i]
		var out []engine.PaidLine
		for _, li := range paidLines[paidStart[k]:paidStart[k+1]] {
			l := res.Line(int(li))
			out = append(out, engine.PaidLine{ID: LineID(runID, int(li)), Member: l.Member, Type: l.Type, Amount: l.Amount, Generation: l.Generation})
		}
		return out
	}
	// A statement for every consultant (its state) and every member with a line, in id order.
	var order []int32
	for k := range ids {
		if start[k+1] > 0 || consultant[k] >= 0 {
			order = append(order, int32(k))
		}
	}
	for k := 1; k < len(start); k++ {
		start[k] += start[k-1]
	}
	pos := append([]int32(nil), start[:len(ids)]...)
	lines := make([]int32, n)
	for i := 0; i < n; i++ {
		k := res.LineMemberIndex(i)
		lines[pos[k]] = int32(i)
		pos[k]++
	}
	sort.Slice(order, func(a, b int) bool { return ids[order[a]] < ids[order[b]] })
	return func(yield func(Statement) bool) {
		for _, k := range order {
			st := Statement{MemberID: ids[k]}
			if ci := consultant[k]; ci >= 0 {
				st.Consultant, st.State = true, res.Members[ci]
			}
			for _, li := range lines[start[k]:start[k+1]] {
				l := res.Line(int(li))
				sl := StatementLine{Index: int(li), Type: l.Type, Amount: l.Amount, Source: l.Source, Generation: l.Generation, ReversalOf: l.ReversalOf, Vendor: l.Vendor, Basis: l.Basis}
				if l.Basis.Skipped > 0 {
					c := res.CompressedAt(int(li))
					sl.Compressed = c[:min(len(c), maxCompressedListed)]
				}
				st.Lines = append(st.Lines, sl)
			}
			if !yield(st) {
				return
			}
		}
	}, fr
}

// LineID names line i of a run; a clawback's reversal_of points at such an id.
func LineID(runID string, i int) string { return runID + "-" + strconv.Itoa(i) }

// timings are the parts of a draft's computation, for its log line.
type timings struct {
	load, compute time.Duration
	snapshot      string // "kept" (the projection's, brought up to date) or "loaded"
	caughtUp      int    // rows read to bring the kept snapshot up to date
}

// compute runs the engine for a draft's period over the projection's kept snapshot brought up
// to date, when it keeps one that serves the period, or over one loaded whole.
func (s *PayoutService) compute(ctx context.Context, base string, start *time.Time, end time.Time) (*engine.Result, timings, error) {
	tm := timings{snapshot: "loaded"}
	t0 := time.Now()
	windowStart := end.AddDate(0, 0, -s.Plan.ActivityWindowDays)
	var snap *RunSnapshot
	var err error
	if kept := s.keepers.take(func(o *openSnapshot, p *Projector) bool { return o.serves(base, windowStart, p.FullEvery) }); kept != nil {
		snap, tm.caughtUp, err = kept.catchUp(ctx, s.Store, windowStart)
		tm.snapshot = "kept"
		s.fromKept.Add(1)
	} else {
		snap, err = s.Store.LoadSnapshot(ctx, base, end, windowStart)
	}
	if err != nil {
		return nil, tm, err
	}
	tm.load = time.Since(t0)
	res, err := s.computeFrom(snap, start, end, false, nil, nil, nil) // a payout run never waits
	tm.compute = time.Since(t0) - tm.load
	return res, tm, err
}

// DraftsFromKept counts the drafts that started from the projection's kept snapshot.
func (s *PayoutService) DraftsFromKept() int64 { return s.fromKept.Load() }

// computeFrom runs the engine over a loaded snapshot; it reads snap and never changes it. With
// sumsOnly the result keeps each member's totals instead of the lines (engine.Input.SumsOnly),
// and memo, when given, carries what it made of the sales to the next (engine.SalesMemo).
func (s *PayoutService) computeFrom(snap *RunSnapshot, start *time.Time, end time.Time, sumsOnly bool, scr *engine.Scratch, memo *engine.SalesMemo, between func()) (*engine.Result, error) {
	in := engine.Input{Config: s.Plan, End: end, Sales: snap.Sales, Cancellations: snap.Cancellations, Prev: snap.Prev, StatusEvents: snap.StatusEvents,
		Refunds: snap.Refunds, SumsOnly: sumsOnly, Scratch: scr, Memo: memo, Between: between}
	if start != nil {
		in.Start = *start
	}
	if snap.Cutover != nil {
		in.Cutover = *snap.Cutover
	}
	// The plan in force as of end (§2, §11); the members are copied only when one differs from
	// its plan at registration (an upgrade or a refund in the snapshot), not at every projection.
	in.Members = snap.Members
	copied := false
	for i := 0; len(snap.PlanChanges) > 0 && i < len(snap.Members); i++ {
		m := &snap.Members[i]
		ch, ok := snap.PlanChanges[m.ID]
		if !ok {
			continue
		}
		if p := planAt(m.Plan, ch, end); p != m.Plan {
			if !copied {
				in.Members, copied = slices.Clone(snap.Members), true
			}
			in.Members[i].Plan = p
		}
	}
	res, err := engine.Run(in)
	if err != nil {
		var ie *engine.InputError
		if errors.As(err, &ie) {
			return nil, graph.Invalid("the network cannot be paid as it stands: %s", ie.Msg)
		}
		return nil, graph.Invalid("%v", err)
	}
	return res, nil
}

// Commit pays a draft exactly as it showed: idempotent, serialized, never twice for a period.
func (s *PayoutService) Commit(ctx context.Context, id, actor string) (*Run, error) {
	r, err := s.Store.Run(ctx, id)
	if err != nil {
		return nil, err
	}
	if r.Status == RunCommitted {
		return r, nil
	}
	if r.PeriodEnd.After(s.Now()) {
		return nil, graph.Conflict("the period of %s has not ended yet (%s); it can be previewed, not committed", id, r.PeriodEnd.Format(time.RFC3339))
	}
	// Analysts' earnings follow the commit, once the run gate is open again (defers run last
	// first): they are background work, and a payout run never waits for them.
	committed := false
	defer func() {
		if committed {
			go func() {
				if err := s.WriteEarnings(context.WithoutCancel(ctx)); err != nil {
					s.Log.Warn("analysts' earnings not written yet; the housekeeping retries", "error", err)
				}
			}()
		}
	}()
	defer s.announce(ctx, "commit")()
	// The committed run becomes the next one's base: a kept snapshot serves no draft after it.
	s.keepers.take(func(*openSnapshot, *Projector) bool { return false })
	now := s.Now().UTC()
	stop := s.beat(id)
	out, err := s.Store.Commit(ctx, id, actor, now)
	stop()
	if err != nil {
		return nil, err
	}
	committed = true
	// Of concurrent commits (through one replica or several) the store lets one claim the run;
	// the others wait and get the committed run. Only the claimer's is a commit to record.
	if out.CommittedAt == nil || !out.CommittedAt.Equal(now) {
		return out, nil
	}
	s.Audit.Record(ctx, "payout.commit", "payout_run", id, map[string]string{"status": r.Status}, map[string]string{"status": out.Status})
	s.Log.Info("payout committed", "run", id, "by", actor, "total", out.Totals.Total)
	if s.AfterCommit != nil {
		s.AfterCommit()
	}
	go s.Prune(context.WithoutCancel(ctx))
	return out, nil
}

// Get returns a run; a draft also says how it differs from the committed run it follows.
func (s *PayoutService) Get(ctx context.Context, id string) (*Run, error) {
	run, err := s.Store.Run(ctx, id)
	if err != nil || run.Status != "draft" || run.Base == "" {
		return run, err
	}
	prev, err := s.Store.Run(ctx, run.Base)
	if err != nil {
		return nil, err
	}
	run.Change = changeFrom(prev, run)
	return run, nil
}

// RunChange is a draft against the last committed run: what an admin checks before committing.
type RunChange struct {
	PreviousRunID string            `json:"previous_run_id"`
	ByType        map[string]string `json:"by_type"`
	ByVendor      map[string]string `json:"by_vendor"`
	Total         string            `json:"total"`
}

func changeFrom(prev, cur *Run) *RunChange {
	diff := func(a, b string) string {
		x, _ := engine.ParseUnits(a)
		y, _ := engine.ParseUnits(b)
		return (y - x).String()
	}
	both := func(a, b map[string]string) map[string]string {
		out := map[string]string{}
		for k := range a {
			out[k] = diff(a[k], b[k])
		}
		for k := range b {
			out[k] = diff(a[k], b[k])
		}
		return out
	}
	return &RunChange{PreviousRunID: prev.ID, ByType: both(prev.Totals.ByType, cur.Totals.ByType),
		ByVendor: both(prev.Totals.ByVendor, cur.Totals.ByVendor), Total: diff(prev.Totals.Total, cur.Totals.Total)}
}

// List returns every run, newest first.
func (s *PayoutService) List(ctx context.Context) ([]Run, error) { return s.Store.Runs(ctx) }

// pageLimit checks a page of run id's lines or members: the run exists, the size is allowed.
func (s *PayoutService) pageLimit(ctx context.Context, id string, limit int) (int, error) {
	if _, err := s.Store.Run(ctx, id); err != nil {
		return 0, err
	}
	return graph.PageLimit(limit)
}

// LineKey is a position in a run's lines: member, then the line's place in its statement.
type LineKey struct {
	Member string
	K      int
}

// Lines pages a run's lines by key (ten million lines page as fast at the end as at the start).
func (s *PayoutService) Lines(ctx context.Context, id, cursor string, limit int) (*graph.Page[RunLine], error) {
	limit, err := s.pageLimit(ctx, id, limit)
	if err != nil {
		return nil, err
	}
	var from LineKey
	if cursor != "" {
		parts, err := graph.DecodeKeyCursor(cursor, 2)
		if err != nil {
			return nil, err
		}
		k, err := strconv.Atoi(parts[1])
		if err != nil || k < 0 {
			return nil, graph.InvalidField("cursor", "is not a cursor this API issued")
		}
		from = LineKey{Member: parts[0], K: k}
	}
	lines, next, err := s.Store.Lines(ctx, id, from, limit)
	if err != nil {
		return nil, err
	}
	p := &graph.Page[RunLine]{Items: lines}
	if next != nil {
		p.NextCursor = graph.EncodeKeyCursor(next.Member, strconv.Itoa(next.K))
	}
	return p, nil
}

// ForExport returns a run whose lines may be exported for payment: only a committed run's
// (a draft can still be drafted again or go stale).
func (s *PayoutService) ForExport(ctx context.Context, id string) (*Run, error) {
	r, err := s.Store.Run(ctx, id)
	if err != nil {
		return nil, err
	}
	if r.Status != RunCommitted {
		return nil, graph.Conflict("run %s is %s; only committed runs are exported", r.ID, r.Status)
	}
	return r, nil
}

// EachLine walks a run's lines in order, a page at a time.
func (s *PayoutService) EachLine(ctx context.Context, id string, fn func(RunLine) error) error {
	for cursor := ""; ; {
		p, err := s.Lines(ctx, id, cursor, 1000)
		if err != nil {
			return err
		}
		for _, l := range p.Items {
			if err := fn(l); err != nil {
				return err
			}
		}
		if p.NextCursor == "" {
			return nil
		}
		cursor = p.NextCursor
	}
}

// Members pages a run's consultant end states by member id.
func (s *PayoutService) Members(ctx context.Context, id, cursor string, limit int) (*graph.Page[RunMember], error) {
	limit, err := s.pageLimit(ctx, id, limit)
	if err != nil {
		return nil, err
	}
	after := ""
	if cursor != "" {
		parts, err := graph.DecodeKeyCursor(cursor, 1)
		if err != nil {
			return nil, err
		}
		after = parts[0]
	}
	ms, next, err := s.Store.RunMembers(ctx, id, after, limit)
	if err != nil {
		return nil, err
	}
	p := &graph.Page[RunMember]{Items: ms}
	if next != "" {
		p.NextCursor = graph.EncodeKeyCursor(next)
	}
	return p, nil
}

// Prune removes the statements of drafts a commit made uncommittable (run after each commit and
// at start-up; a preview at full size holds a million statements).
func (s *PayoutService) Prune(ctx context.Context) {
	ids, err := s.Store.PruneSuperseded(ctx)
	if err != nil {
		s.Log.Warn("pruning superseded drafts failed; retried after the next commit", "error", err)
		return
	}
	if len(ids) > 0 {
		s.Log.Info("superseded drafts pruned", "runs", len(ids))
	}
}

// commitBeat is how often a committing process shows it is alive; a commit silent for
// commitStale was left half-applied by a process that died.
const (
	commitBeat  = 10 * time.Second
	commitStale = 2 * time.Minute
)

// beat shows that this process is committing id until the returned stop is called, so that no
// other replica resumes a commit that is merely long (minutes at a million members).
func (s *PayoutService) beat(id string) (stop func()) {
	return graph.Heartbeat(commitBeat, func() {
		if err := s.Store.CommitBeat(context.Background(), id, s.Now().UTC()); err != nil {
			s.Log.Warn("commit heartbeat failed", "run", id, "error", err)
		}
	})
}

// ResumeInterrupted finishes commits a crash left half-applied (every step is idempotent): those
// whose committer has been silent for two minutes, so a replica never runs a second copy of a
// commit another is still applying.
func (s *PayoutService) ResumeInterrupted(ctx context.Context) error {
	ids, err := s.Store.ResumeCommits(ctx, s.Now().UTC().Add(-commitStale))
	for _, id := range ids {
		s.Log.Warn("finished a commit interrupted by a restart", "run", id)
	}
	return err
}

// WriteEarnings writes the analysts' earnings of committed runs that do not have them yet:
// each run's, seconds after its commit, and any a crash or a yield left unfinished (the
// housekeeping starts WriteEarningsInBackground every 30 s). They are background work: a payout
// run under way here or on another replica comes first, and cancels a write under way, which the
// next call resumes (every write is idempotent). A call waits for one in flight in this process.
func (s *PayoutService) WriteEarnings(ctx context.Context) error {
	s.earnings.Lock()
	defer s.earnings.Unlock()
	return s.writeEarnings(ctx)
}

// WriteEarningsInBackground starts WriteEarnings unless one is under way in this process: at a
// million members it takes minutes, which neither the start-up nor the housekeeping waits for.
func (s *PayoutService) WriteEarningsInBackground(ctx context.Context) {
	if !s.earnings.TryLock() {
		return
	}
	go func() {
		defer s.earnings.Unlock()
		if err := s.writeEarnings(ctx); err != nil && ctx.Err() == nil {
			s.Log.Warn("analysts' earnings not written yet; the housekeeping retries", "error", err)
		}
	}()
}

func (s *PayoutService) writeEarnings(ctx context.Context) error {
	bctx, done, ok := s.gate.background(ctx)
	if !ok {
		return nil
	}
	defer done()
	bctx = graph.GiveWay(bctx, s.Foreground, s.GiveWay)
	if s.Signal != nil {
		if busy, err := s.Signal.RunsUnderway(bctx); err == nil && busy {
			return nil
		}
	}
	started := time.Now()
	ids, err := s.Store.WriteMissingEarnings(bctx)
	if len(ids) > 0 {
		s.Log.Info("analysts' earnings written", "runs", strings.Join(ids, ","), "elapsed", time.Since(started).Round(time.Millisecond))
	}
	if err != nil && bctx.Err() != nil && ctx.Err() == nil {
		s.Log.Info("analysts' earnings yielded to a payout run; resumed after it")
		return nil
	}
	return err
}

// EncodePaid packs a paid line for storage on its sale: "id|member|type|amount|generation".
// A line of run (the run that accounts the sale, kept on it as `accounted_by`) is written "#i"
// for LineID(run, i): a commit at 1M writes seventeen million of these, and the run's id in
// each was a third of their bytes (issue #19). Lines paid before keep their whole id.
func EncodePaid(run string, p engine.PaidLine) string { return string(AppendPaid(nil, run, p)) }

// AppendPaid appends EncodePaid's form of p to b.
func AppendPaid(b []byte, run string, p engine.PaidLine) []byte {
	if i, ok := lineIndex(run, p.ID); ok {
		b = strconv.AppendInt(append(b, '#'), int64(i), 10)
	} else {
		b = append(b, p.ID...)
	}
	return appendPaidFields(b, p.Member, p.Type, p.Amount, p.Generation)
}

// appendPaidFields appends what follows a paid line's id: "|member|type|amount|generation".
func appendPaidFields(b []byte, member string, t engine.LineType, amount engine.Units, gen int) []byte {
	b = append(append(append(b, '|'), member...), '|')
	b = append(append(b, t.String()...), '|')
	b = append(strconv.AppendInt(b, int64(amount), 10), '|')
	return strconv.AppendInt(b, int64(gen), 10)
}

// EncodePaidLines packs the lines paid for one sale: their EncodePaid forms joined by ';'.
func EncodePaidLines(run string, ps []engine.PaidLine) string {
	var b []byte
	for i, p := range ps {
		if i > 0 {
			b = append(b, ';')
		}
		b = AppendPaid(b, run, p)
	}
	return string(b)
}

// lineIndex is i where id is LineID(run, i).
func lineIndex(run, id string) (int, bool) {
	rest, ok := strings.CutPrefix(id, run+"-")
	if !ok || run == "" || !canonicalIndex(rest) {
		return 0, false
	}
	i, err := strconv.Atoi(rest)
	return i, err == nil
}

// canonicalIndex: s is a line index as strconv.Itoa writes it.
func canonicalIndex(s string) bool {
	if s == "" || len(s) > 9 || (len(s) > 1 && s[0] == '0') {
		return false
	}
	for _, c := range []byte(s) {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// DecodePaid reverses EncodePaid; run is the sale's `accounted_by`.
func DecodePaid(run, s string) (engine.PaidLine, bool) {
	f := strings.Split(s, "|")
	if len(f) != 5 || f[0] == "" {
		return engine.PaidLine{}, false
	}
	id := f[0]
	if rest, rel := strings.CutPrefix(id, "#"); rel {
		if !canonicalIndex(rest) || run == "" {
			return engine.PaidLine{}, false
		}
		i, _ := strconv.Atoi(rest)
		id = LineID(run, i)
	}
	t, ok := engine.ParseLineType(f[2])
	amt, err := strconv.ParseInt(f[3], 10, 64)
	if err != nil || !ok {
		return engine.PaidLine{}, false
	}
	gen, _ := strconv.Atoi(f[4])
	return engine.PaidLine{ID: id, Member: f[1], Type: t, Amount: engine.Units(amt), Generation: gen}, true
}

// MemberStatement is a member's statement for a run: each line with the figures it came from.
type MemberStatement struct {
	RunID    string              `json:"run_id"`
	MemberID string              `json:"member_id"`
	Total    string              `json:"total"`
	State    *RunMember          `json:"state,omitempty"`
	Lines    []StatementLineView `json:"lines"`
}

// StatementLineView is a line with its explanation.
type StatementLineView struct {
	RunLine
	Explanation Explanation `json:"explanation"`
}

// Explanation answers "why is my check this amount" from the line itself.
type Explanation struct {
	Base              string   `json:"base,omitempty"`    // price, CV, pair, downline binary, pool, retail, bonus
	Percent           string   `json:"percent,omitempty"` // as a fraction, e.g. "0.05"
	Compressed        int      `json:"compressed,omitempty"`
	CompressedMembers []string `json:"compressed_members,omitempty"`
	Left              string   `json:"left,omitempty"`
	Right             string   `json:"right,omitempty"`
	Pair              string   `json:"pair,omitempty"`
	Cap               string   `json:"cap,omitempty"`
	Flushed           string   `json:"flushed,omitempty"`
	Pool              string   `json:"pool,omitempty"`
	Shares            int      `json:"shares,omitempty"`
	TotalShares       int      `json:"total_shares,omitempty"`
	ShareValue        string   `json:"share_value,omitempty"`
	Text              string   `json:"text"`
}

// Explain renders a stored line's basis in words and figures (PLAN.md §4).
func Explain(l StatementLine) Explanation {
	b := l.Basis
	e := Explanation{Base: graph.Money(b.Base), Compressed: int(b.Skipped), CompressedMembers: l.Compressed}
	if b.Rate != 0 {
		e.Percent = b.Rate.String()
	}
	switch l.Type {
	case engine.LineBinary:
		if d := b.Detail; d != nil {
			e.Left, e.Right, e.Pair, e.Cap, e.Flushed = graph.BV(d.Left), graph.BV(d.Right), graph.BV(d.Pair), graph.Money(d.Cap), graph.Money(d.Flushed)
			e.Text = fmt.Sprintf("binary: left %s BV and right %s BV pair %s BV at %s, capped at %s per run (%s flushed)", e.Left, e.Right, e.Pair, e.Percent, e.Cap, e.Flushed)
		}
	case engine.LinePool:
		if d := b.Detail; d != nil {
			e.Pool, e.Shares, e.TotalShares, e.ShareValue = graph.Money(d.Pool), d.Shares, d.TotalShares, graph.Money(d.ShareValue)
			e.Text = fmt.Sprintf("leadership pool %s split in %d shares of %s (rounded down); %d share(s)", e.Pool, d.TotalShares, e.ShareValue, d.Shares)
		}
	case engine.LineRevenueShare:
		e.Text = fmt.Sprintf("revenue share generation %d: %s of CV %s on %s (%d inactive member(s) compressed)", l.Generation, e.Percent, e.Base, l.Source, b.Skipped)
	case engine.LineMatching:
		e.Text = fmt.Sprintf("matching generation %d: %s of %s's binary %s", l.Generation, e.Percent, l.Source, e.Base)
	case engine.LineDirect:
		e.Text = fmt.Sprintf("direct bonus: %s of %s on %s", e.Percent, e.Base, l.Source)
	case engine.LineRetail:
		e.Text = fmt.Sprintf("retail commission of %s on %s", e.Base, l.Source)
	case engine.LineRank:
		e.Text = fmt.Sprintf("rank bonus for reaching %s", l.Source)
	}
	switch {
	case l.ReversalOf != "" && l.Type == engine.LineDirect:
		// §11: a refund of a pack or upgrade a committed run paid.
		e.Text = fmt.Sprintf("reversal of the direct bonus paid for %s (line %s): %s was refunded", l.Source, l.ReversalOf, l.Source)
	case l.ReversalOf != "":
		e.Text = fmt.Sprintf("clawback of line %s: %s was cancelled", l.ReversalOf, l.Source)
	}
	return e
}

// Statement returns a member's statement for a run.
func (s *PayoutService) Statement(ctx context.Context, runID, memberID string) (*MemberStatement, error) {
	return s.Store.Statement(ctx, runID, memberID)
}

// CommittedStatement is a member's own statement: only committed runs are the member's business;
// a draft is a preview for admins, and to a member it does not exist.
func (s *PayoutService) CommittedStatement(ctx context.Context, runID, memberID string) (*MemberStatement, error) {
	run, err := s.Store.Run(ctx, runID)
	if err != nil {
		return nil, err
	}
	if run.Status != "committed" {
		return nil, graph.NotFound("payout run %s not found", runID)
	}
	return s.Store.Statement(ctx, runID, memberID)
}
