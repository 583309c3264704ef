package store

import (
	"cmp"
	"context"
	"encoding/json"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/halo-oss/halo/cypher"
	"github.com/halo-oss/halo/engine"
	"github.com/halo-oss/halo/graph"
	"github.com/halo-oss/halo/graph/payouts"
)

var (
	qRunCancellations      = cypher.MustQuery("payouts/run_snapshot_cancellations")
	qRunCommitBegin        = cypher.MustQuery("payouts/run_commit_begin")
	qRunCommitCredits      = cypher.MustQuery("payouts/run_commit_credits")
	qRunSnapshotSizes      = cypher.MustQuery("payouts/run_snapshot_sizes")
	qRunSalesEstimate      = cypher.MustQuery("payouts/run_snapshot_sales_estimate")
	qRunCommitFinish       = cypher.MustQuery("payouts/run_commit_finish")
	qRunCommitEarnings     = cypher.MustQuery("payouts/run_commit_earnings")
	qRunsWithoutEarnings   = cypher.MustQuery("payouts/runs_without_earnings")
	qRunEarningsRead       = cypher.MustQuery("payouts/run_earnings_read")
	qRunEarningsDone       = cypher.MustQuery("payouts/run_earnings_done")
	qRunCommitFreeze       = cypher.MustQuery("payouts/run_commit_freeze")
	qRunCommitFreezeNodes  = cypher.MustQuery("payouts/run_commit_freeze_nodes")
	qRunCommitStates       = cypher.MustQuery("payouts/run_commit_states")
	qRunCreate             = cypher.MustQuery("payouts/run_create")
	qRunDraftReady         = cypher.MustQuery("payouts/run_draft_ready")
	qRunFreeze             = cypher.MustQuery("payouts/run_freeze")
	qRunFreezeChunk        = cypher.MustQuery("payouts/run_freeze_chunk")
	qRunFreezeChunks       = cypher.MustQuery("payouts/run_freeze_chunks")
	qRunGet                = cypher.MustQuery("payouts/run_get")
	qRunLast               = cypher.MustQuery("payouts/run_last_committed")
	qRunLines              = cypher.MustQuery("payouts/run_lines")
	qRunMembers            = cypher.MustQuery("payouts/run_members")
	qRunMembersSnap        = cypher.MustQuery("payouts/run_snapshot_members")
	qRunNetwork            = cypher.MustQuery("payouts/run_network")
	qRunPrune              = cypher.MustQuery("payouts/run_prune_batch")
	qRunPruneFreeze        = cypher.MustQuery("payouts/run_prune_freeze")
	qRunSales              = cypher.MustQuery("payouts/run_snapshot_sales")
	qRunSalesSince         = cypher.MustQuery("payouts/run_snapshot_sales_since")
	qRunMembersSince       = cypher.MustQuery("payouts/run_snapshot_members_since")
	qRunCancellationsSince = cypher.MustQuery("payouts/run_snapshot_cancellations_since")
	qRunStatementGet       = cypher.MustQuery("payouts/run_statement_get")
	qRunStatements         = cypher.MustQuery("payouts/run_statements")
	qOpenAccepts           = cypher.MustQuery("payouts/open_accepts")
	qRunUpgrades           = cypher.MustQuery("payouts/run_snapshot_upgrades")
	qRunStatusEvents       = cypher.MustQuery("payouts/run_status_events")
	qRunRefunds            = cypher.MustQuery("payouts/run_snapshot_refunds")
	qRunsCommitting        = cypher.MustQuery("payouts/runs_committing")
	qRunBeat               = cypher.MustQuery("payouts/run_beat")
	qRunsList              = cypher.MustQuery("payouts/runs_list")
	qRunsStale             = cypher.MustQuery("payouts/runs_stale")
	qRunsSuperseded        = cypher.MustQuery("payouts/runs_superseded")
)

// LastCommitted implements payouts.RunStore.
func (s *Store) LastCommitted(ctx context.Context) (*payouts.Run, error) {
	rec, err := readOne(ctx, s, qRunLast, nil, nil)
	if err != nil {
		return nil, err
	}
	if rec == nil {
		return nil, nil
	}
	return s.Run(ctx, get[string](rec, "id"))
}

// LoadSnapshot implements payouts.RunStore: streamed reads of members, sales, cancellations and
// the small collections.
func (s *Store) LoadSnapshot(ctx context.Context, base string, end, windowStart time.Time) (*payouts.RunSnapshot, error) {
	snap := &payouts.RunSnapshot{PlanChanges: map[string][]payouts.PlanChange{}}
	// Slices sized once: growing them copies the whole and leaves the old copy as garbage, at
	// the moment the engine starts allocating its lines (halod's peak memory, #19).
	if rec, err := readOne(ctx, s, qRunSnapshotSizes, nil, nil); err == nil && rec != nil {
		snap.Members = make([]engine.Member, 0, get[int64](rec, "members"))
		snap.Prev = make([]engine.State, 0, get[int64](rec, "consultants"))
	}
	n := s.lastSales.Load()
	if n == 0 {
		if rec, err := readOne(ctx, s, qRunSalesEstimate, map[string]any{"window": ts(windowStart)}, nil); err == nil && rec != nil {
			n = get[int64](rec, "n")
		}
	}
	snap.Sales = make([]engine.Sale, 0, n+n/16)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	// Each query runs on one of Neo4j's cores: the members and the sales are read at once (each
	// loader fills its own part of snap). At 1M: 38.7 s together against 15 + 33 s one after
	// the other.
	loads := []func() error{
		func() error {
			return s.loadMembers(ctx, qRunMembersSnap, map[string]any{"state_run": stateRun(base)}, snap)
		},
		func() error { return s.loadSales(ctx, qRunSales, map[string]any{"window": ts(windowStart)}, snap) },
		func() error {
			if err := s.loadCancellations(ctx, qRunCancellations, nil, snap); err != nil {
				return err
			}
			return s.loadSmall(ctx, snap)
		},
	}
	errs := make(chan error, len(loads))
	for _, load := range loads {
		go func() { errs <- load() }()
	}
	var err error
	for range loads {
		if e := <-errs; e != nil && err == nil {
			err = e
			cancel() // the snapshot is lost anyway: stop the other reads
		}
	}
	if err != nil {
		return nil, err
	}
	s.lastSales.Store(int64(len(snap.Sales)))
	return snap, nil
}

// stateRun is the $state_run of the snapshot's member queries: the run whose statements hold the
// consultants' previous state, null before the first.
func stateRun(base string) any {
	if base == "" {
		return nil
	}
	return base
}

// Clock implements payouts.RunStore.
func (s *Store) Clock(ctx context.Context) (time.Time, error) {
	rec, err := readOne(ctx, s, qClock, nil, nil)
	if err != nil {
		return time.Time{}, err
	}
	return get[time.Time](rec, "now").UTC(), nil
}

// SnapshotDelta implements payouts.RunStore: members, sales and cancellations accepted at or
// after d.Since and before the store's clock when the read began (d.Until), by their indexed
// acceptance times; the clock is the next read's since (less the projector's overlap), so
// nothing falls between two reads. The sales d knows are left out by their node ids.
func (s *Store) SnapshotDelta(ctx context.Context, base string, d payouts.Delta, windowStart time.Time, into *payouts.RunSnapshot) (*payouts.RunSnapshot, error) {
	snap := &payouts.RunSnapshot{PlanChanges: map[string][]payouts.PlanChange{}}
	if into != nil {
		// The loaders append to what they are given (emptied when they begin).
		snap.Members, snap.Prev, snap.Sales, snap.Cancellations = into.Members, into.Prev, into.Sales, into.Cancellations
	}
	known := make([]int64, len(d.Known))
	for i, ref := range d.Known {
		known[i] = ref - 1 // a sale's node id (loadSales)
	}
	p := map[string]any{"since": ts(d.Since), "until": ts(d.Until), "window": ts(windowStart), "state_run": stateRun(base)}
	if err := s.loadMembers(ctx, qRunMembersSince, p, snap); err != nil {
		return nil, err
	}
	sales := maps.Clone(p)
	sales["known"] = known
	if err := s.loadSales(ctx, qRunSalesSince, sales, snap); err != nil {
		return nil, err
	}
	if err := s.loadCancellations(ctx, qRunCancellationsSince, p, snap); err != nil {
		return nil, err
	}
	return snap, nil
}

// OldestOpenAccept implements payouts.RunStore from Neo4j's own list of open transactions, so
// it sees every replica's writes (store.accepting). It is asked of the server that takes the
// writes (writers' routing): on a cluster a follower would list none of them.
func (s *Store) OldestOpenAccept(ctx context.Context) (time.Time, bool, error) {
	res, err := s.write(ctx, qOpenAccepts, nil)
	if err != nil || len(res.Records) == 0 {
		return time.Time{}, false, err
	}
	v, _ := res.Records[0].Get("oldest")
	at, ok := v.(time.Time)
	return at.UTC(), ok, nil
}

// SnapshotSmall implements payouts.RunStore.
func (s *Store) SnapshotSmall(ctx context.Context) (*payouts.RunSnapshot, error) {
	snap := &payouts.RunSnapshot{PlanChanges: map[string][]payouts.PlanChange{}}
	if err := s.loadSmall(ctx, snap); err != nil {
		return nil, err
	}
	return snap, nil
}

// Each loader starts its slice afresh: a read retried after a transient error streams again.
func (s *Store) loadMembers(ctx context.Context, q string, params map[string]any, snap *payouts.RunSnapshot) error {
	var bad error
	var ids strs
	ranks := map[string]string{}
	err := s.stream(ctx, q, params, func(r *neo4j.Record) {
		p, err := engine.ParsePlan(get[string](r, "plan"))
		if err != nil && bad == nil {
			bad = graph.Internal(err)
		}
		m := engine.Member{ID: ids.keep(get[string](r, "id")), Plan: p, Sponsor: ids.keep(get[string](r, "sponsor")), Parent: ids.keep(get[string](r, "parent")),
			RegisteredAt: unixAt(r, "registered_s", "registered_ns")}
		if lg, ok := engine.ParseLeg(get[string](r, "leg")); ok {
			m.Leg = lg
		}
		snap.Members = append(snap.Members, m)
		if p.IsConsultant() {
			snap.Prev = append(snap.Prev, engine.State{Member: m.ID, Rank: interned(ranks, get[string](r, "rank")), CarryLeft: engine.Units(get[int64](r, "cl")),
				CarryRight: engine.Units(get[int64](r, "cr")), LifetimeLeft: engine.Units(get[int64](r, "ll")), LifetimeRight: engine.Units(get[int64](r, "lr"))})
		}
	}, func() { snap.Members, snap.Prev = snap.Members[:0], snap.Prev[:0] })
	if err != nil {
		return err
	}
	return bad
}

var saleKinds = map[string]engine.SaleKind{"pack": engine.SalePack, "upgrade": engine.SaleUpgrade, "activation": engine.SaleActivation}

func (s *Store) loadSales(ctx context.Context, q string, params map[string]any, snap *payouts.RunSnapshot) error {
	// A handful of vendors sell millions of activations: each sale keeps the one copy of its
	// vendor's id, not the string the driver decoded for it.
	vendors := map[string]string{}
	var ids strs
	return s.stream(ctx, q, params, func(r *neo4j.Record) {
		vendor := interned(vendors, get[string](r, "vendor"))
		sl := engine.Sale{ID: ids.keep(get[string](r, "id")), Kind: saleKinds[get[string](r, "kind")], Member: ids.keep(get[string](r, "member")),
			OccurredAt: unixAt(r, "occurred_s", "occurred_ns"), Price: engine.Units(get[int64](r, "price")), BV: engine.Units(get[int64](r, "bv")),
			CV: engine.Units(get[int64](r, "cv")), Retail: engine.Units(get[int64](r, "retail")), Vendor: vendor, Accounted: get[bool](r, "accounted"),
			HoldDays: int(get[int64](r, "hold_days"))}
		if n, ok := r.Get("node"); ok {
			if n, ok := n.(int64); ok {
				sl.Ref = n + 1 // 0 is none
			}
		}
		if sl.Kind == engine.SaleUpgrade {
			sl.ToPlan, _ = engine.ParsePlan(get[string](r, "plan"))
		}
		snap.Sales = append(snap.Sales, sl)
	}, func() { snap.Sales = snap.Sales[:0] })
}

// interned is the one copy of s in seen, for values that repeat (vendors, ranks).
func interned(seen map[string]string, s string) string {
	if v, ok := seen[s]; ok {
		return v
	}
	seen[s] = s
	return s
}

func (s *Store) loadCancellations(ctx context.Context, q string, params map[string]any, snap *payouts.RunSnapshot) error {
	return s.stream(ctx, q, params, func(r *neo4j.Record) {
		c := engine.Cancellation{ID: get[string](r, "id"), Activation: get[string](r, "sale"), OccurredAt: get[time.Time](r, "occurred_at").UTC(),
			ActivationAccounted: get[bool](r, "accounted"), Vendor: get[string](r, "vendor")}
		c.Paid = paidLines(r)
		snap.Cancellations = append(snap.Cancellations, c)
	}, func() { snap.Cancellations = snap.Cancellations[:0] })
}

// paidLines reads what committed runs paid for a sale: `paid`, the lines joined by ';' (the
// run's own lines by index, relative to `paid_by`, the run that accounted the sale), or for
// sales paid before it existed the list `paid_list`.
func paidLines(r *neo4j.Record) []engine.PaidLine {
	var enc []string
	if packed := get[string](r, "paid"); packed != "" {
		enc = strings.Split(packed, ";")
	} else {
		for _, x := range get[[]any](r, "paid_list") {
			s, _ := x.(string)
			enc = append(enc, s)
		}
	}
	var out []engine.PaidLine
	run := get[string](r, "paid_by")
	for _, e := range enc {
		if p, ok := payouts.DecodePaid(run, e); ok {
			out = append(out, p)
		}
	}
	return out
}

// loadSmall reads what is few and read whole every time: plan changes, status events, refunds
// and the cutover.
func (s *Store) loadSmall(ctx context.Context, snap *payouts.RunSnapshot) error {
	if err := s.stream(ctx, qRunUpgrades, nil, func(r *neo4j.Record) {
		p, _ := engine.ParsePlan(get[string](r, "plan"))
		id := get[string](r, "member")
		snap.PlanChanges[id] = append(snap.PlanChanges[id], payouts.PlanChange{At: get[time.Time](r, "occurred_at").UTC(), Plan: p,
			Refund: get[int64](r, "refund") == 1})
	}, func() { clear(snap.PlanChanges) }); err != nil {
		return err
	}
	if err := s.stream(ctx, qRunStatusEvents, nil, func(r *neo4j.Record) {
		st, _ := engine.ParseStatus(get[string](r, "status"))
		snap.StatusEvents = append(snap.StatusEvents, engine.StatusEvent{Member: get[string](r, "member"), Status: st,
			At: get[time.Time](r, "at").UTC(), Seq: get[int64](r, "seq")})
	}, func() { snap.StatusEvents = snap.StatusEvents[:0] }); err != nil {
		return err
	}
	if err := s.stream(ctx, qRunRefunds, nil, func(r *neo4j.Record) {
		f := engine.Refund{ID: get[string](r, "id"), Sale: get[string](r, "sale"), OccurredAt: get[time.Time](r, "occurred_at").UTC(),
			SaleAccounted: get[bool](r, "accounted")}
		f.Paid = paidLines(r)
		snap.Refunds = append(snap.Refunds, f)
	}, func() { snap.Refunds = snap.Refunds[:0] }); err != nil {
		return err
	}
	res, err := s.read(ctx, qRunNetwork, nil)
	if err != nil {
		return err
	}
	if len(res.Records) > 0 {
		snap.Cutover = props(res.Records[0].AsMap()).atPtr("cutover")
	}
	return nil
}

const (
	statementBatch = 5000
	// draftBatch is the statements a draft writes per transaction. The driver keeps each
	// connection's send buffer at the size of the largest message it sent: at 5,000 statements
	// (about 25 MB a message) the pool held 176 MB after a draft at 1M (issue #19).
	draftBatch    = 2000
	pacedBatch    = 1000 // background batches while the API is in use (graph.GiveWay)
	earningsPaced = 250  // analysts' earnings written at once while the API is in use
	writers       = 2    // concurrent write batches: Neo4j has the machine's two cores
)

// SaveDraft implements payouts.RunStore: the run, its statements and its freeze, in batches.
func (s *Store) SaveDraft(ctx context.Context, run payouts.Run, stmts func(func(payouts.Statement) bool), fr payouts.Freeze) error {
	began := time.Now()
	totals, _ := json.Marshal(run.Totals)
	var start any
	if run.PeriodStart != nil {
		start = ts(*run.PeriodStart)
	}
	if _, err := s.write(ctx, qRunCreate, map[string]any{"id": run.ID, "start": start, "end": ts(run.PeriodEnd), "created_at": ts(run.CreatedAt),
		"actor": run.CreatedBy, "base": run.Base, "totals": string(totals)}); err != nil {
		return err
	}
	// Two writers: Neo4j has two cores and statement batches touch disjoint nodes.
	batches, written := byWriters(func(rows []map[string]any) error {
		_, err := s.write(ctx, qRunStatements, map[string]any{"run": run.ID, "rows": rows})
		return err
	})
	rows := make([]map[string]any, 0, draftBatch)
	var scratch []byte // encodeLines' record, one statement at a time
	stmts(func(st payouts.Statement) bool {
		var total engine.Units
		for _, l := range st.Lines {
			total += l.Amount
		}
		m := st.State
		var status, since, sponsor any // only where §10 applies: a million statements stay lean
		if m.Status != engine.StatusActive {
			status, since = m.Status.String(), m.StatusSince.Format(time.RFC3339Nano)
		}
		if m.RolledUp {
			sponsor = m.Sponsor
		}
		rows = append(rows, map[string]any{"status": status, "since": since, "sponsor": sponsor, "member": st.MemberID, "consultant": st.Consultant, "total": int64(total), "rank": m.Rank, "active": m.Active,
			"cl": int64(m.CarryLeft), "cr": int64(m.CarryRight), "ll": int64(m.LifetimeLeft), "lr": int64(m.LifetimeRight), "pv": int64(m.PersonalVolume),
			"lines": encodeLines(&scratch, st.Lines)})
		if len(rows) == draftBatch {
			batches <- rows
			rows = make([]map[string]any, 0, draftBatch)
		}
		return true
	})
	if len(rows) > 0 {
		batches <- rows
	}
	close(batches)
	if err := written(); err != nil {
		return err
	}
	wrote := time.Now()
	// The freeze, in chunks. A paid sale is marked with its paid lines (it is one of Sales, see
	// payouts.Freeze), so `sales` lists only the others: one write per sale at commit, not two.
	// Each list is one string, ids (or a sale's paid lines) one per line: Neo4j writes a chunk
	// of 10,000 as one string in two thirds of the time it takes as a list, and two writers
	// share the work as the statements' do (issue #19).
	paidSales, unpaid := fr.PaidSales, fr.Unpaid
	// The accounted sales in the order of their nodes, when every one is known: a commit marks
	// a chunk's sales one region of Neo4j's store after another instead of all over it, which
	// matters once the store is larger than its page cache (issue #19).
	paidOrder, unpaidOrder := nodeOrder(fr.PaidRefs, len(paidSales)), nodeOrder(fr.UnpaidRefs, len(unpaid))
	n := max(len(unpaid), len(paidSales), len(fr.Clawed), len(fr.Voided), len(fr.VoidedActivations),
		len(fr.ClawedRefunds), len(fr.VoidedRefunds), len(fr.VoidedSales), len(fr.Promoted), 1)
	chunksOut, frozen := byWriters(func(i int) error {
		part := func(xs []string) string { return orderedPart(xs, nil, i) }
		var pl []byte
		for k := i; k < min(i+freezeChunk, len(paidSales)); k++ {
			if k > i {
				pl = append(pl, '\n')
			}
			pl = fr.PaidPacked(pl, int(paidOrder[k]))
		}
		_, err := s.write(ctx, qRunFreeze, map[string]any{"run": run.ID, "seq": i / freezeChunk, "sales": orderedPart(unpaid, unpaidOrder, i), "clawed": part(fr.Clawed),
			"voided": part(fr.Voided), "voided_acts": part(fr.VoidedActivations), "paid_sales": orderedPart(paidSales, paidOrder, i), "paid_lines": string(pl),
			"sales_nodes": nodesPart(fr.UnpaidRefs, unpaidOrder, i), "paid_nodes": nodesPart(fr.PaidRefs, paidOrder, i),
			"clawed_refunds": part(fr.ClawedRefunds), "voided_refunds": part(fr.VoidedRefunds), "voided_sales": part(fr.VoidedSales),
			"promoted": part(fr.Promoted)})
		return err
	})
	for i := 0; i < n; i += freezeChunk {
		chunksOut <- i
	}
	close(chunksOut)
	if err := frozen(); err != nil {
		return err
	}
	_, err := s.write(ctx, qRunDraftReady, map[string]any{"id": run.ID})
	s.log.Info("draft written", "run", run.ID, "statements", wrote.Sub(began).Round(time.Millisecond), "freeze", time.Since(wrote).Round(time.Millisecond))
	return err
}

func runOf(r *neo4j.Record) *payouts.Run {
	m := r.AsMap()
	run := &payouts.Run{ID: get[string](r, "id"), Status: get[string](r, "status"), PeriodEnd: get[time.Time](r, "period_end").UTC(),
		CreatedAt: get[time.Time](r, "created_at").UTC(), CreatedBy: get[string](r, "created_by"), CommittedBy: get[string](r, "committed_by"), Base: get[string](r, "base")}
	run.PeriodStart = props(m).atPtr("period_start")
	run.CommittedAt = props(m).atPtr("committed_at")
	_ = json.Unmarshal([]byte(get[string](r, "totals")), &run.Totals)
	return run
}

// Run implements payouts.RunStore.
func (s *Store) Run(ctx context.Context, id string) (*payouts.Run, error) {
	rec, err := readOne(ctx, s, qRunGet, map[string]any{"id": id}, graph.NotFound("payout run %s not found", id))
	if err != nil {
		return nil, err
	}
	return runOf(rec), nil
}

// Runs implements payouts.RunStore.
func (s *Store) Runs(ctx context.Context) ([]payouts.Run, error) {
	res, err := s.read(ctx, qRunsList, nil)
	if err != nil {
		return nil, err
	}
	out := []payouts.Run{}
	for _, r := range res.Records {
		out = append(out, *runOf(r))
	}
	return out, nil
}

// Commit implements payouts.RunStore. The check-and-claim is one transaction under the payout
// lock; the application that follows is a series of idempotent batches, resumed at start-up if
// the process dies half-way, so a run is paid once and completely.
func (s *Store) Commit(ctx context.Context, id, actor string, at time.Time) (*payouts.Run, error) {
	res, err := s.write(ctx, qRunCommitBegin, map[string]any{"id": id, "actor": actor, "at": ts(at)})
	if err != nil {
		return nil, err
	}
	if len(res.Records) == 0 {
		return nil, graph.NotFound("payout run %s not found", id)
	}
	r := res.Records[0]
	if !get[bool](r, "ok") {
		switch get[string](r, "status") {
		case payouts.RunCommitted:
			return s.Run(ctx, id)
		case payouts.RunCommitting:
			// Claimed but not finished (a failure half-way): every step is idempotent, so
			// committing again finishes it.
			if err := s.applyCommit(ctx, id); err != nil {
				return nil, err
			}
			return s.Run(ctx, id)
		case "writing":
			return nil, graph.Conflict("payout run %s is still being written; commit it when it is a draft", id)
		}
		return nil, graph.Conflict("payout run %s is stale: run %s was committed after it was drafted; draft again", id, get[string](r, "last"))
	}
	if err := s.applyCommit(ctx, id); err != nil {
		return nil, err
	}
	return s.Run(ctx, id)
}

func (s *Store) applyCommit(ctx context.Context, id string) error {
	start := time.Now()
	rec, err := readOne(ctx, s, qRunGet, map[string]any{"id": id}, graph.NotFound("payout run %s not found", id))
	if err != nil {
		return err
	}
	run := runOf(rec)
	at := time.Now().UTC()
	if run.CommittedAt != nil {
		at = *run.CommittedAt
	}
	chunks, err := s.read(ctx, qRunFreezeChunks, map[string]any{"run": id})
	if err != nil {
		return err
	}
	// A run drafted since issue #19 credits wallets with its statements the moment it is
	// committed (payouts/wallet_balance), all at once; an older draft writes a ledger entry per
	// member, beside the freeze. Analysts' earnings are not part of the commit: the service
	// writes them after it.
	credits := make(chan error, 1)
	var credited time.Duration
	fromStatements := get[string](rec, "credits") == "statements"
	go func() {
		if fromStatements {
			credits <- nil
			return
		}
		t := time.Now()
		err := s.walkRun(ctx, qRunCommitCredits, id, map[string]any{"at": ts(at)})
		credited = time.Since(t)
		credits <- err
	}()
	// Each worker reads one chunk at a time: a run of millions never sits in one result.
	work, applied := byWriters(func(seq int64) error {
		res, err := s.read(ctx, qRunFreezeChunk, map[string]any{"run": id, "seq": seq})
		if err != nil || len(res.Records) == 0 {
			return err
		}
		p := map[string]any{"run": id}
		rec := res.Records[0]
		for k, v := range rec.AsMap() {
			if k != "sales_nodes" && k != "paid_nodes" {
				p[k] = freezeList(v)
			}
		}
		if err := s.freezeByNodes(ctx, rec, p); err != nil {
			return err
		}
		_, err = s.write(ctx, qRunCommitFreeze, p)
		return err
	})
	listed := true
	for _, c := range chunks.Records {
		listed = listed && get[bool](c, "listed")
		work <- get[int64](c, "seq")
	}
	close(work)
	err = applied()
	froze := time.Since(start)
	// The next run starts from this run's statements (run_snapshot_members); a draft made
	// before issue #19 lists no promotions, so its commit copies every state to the members.
	if err == nil && !listed {
		err = s.walkRun(ctx, qRunCommitStates, id, nil)
	}
	if e := <-credits; err == nil {
		err = e
	}
	if err != nil {
		return err
	}
	if _, err := s.write(ctx, qRunCommitFinish, map[string]any{"id": id}); err != nil {
		return err
	}
	s.log.Info("commit applied", "run", id, "freeze", froze.Round(time.Millisecond), "credits", credited.Round(time.Millisecond),
		"credits_from_statements", fromStatements, "states_copied", !listed, "elapsed", time.Since(start).Round(time.Millisecond))
	return nil
}

// freezeByNodes marks the chunk's accounted sales by the node ids its draft read with them, when
// it has them, and then takes them out of p, so run_commit_freeze marks only the rest of the
// chunk. When a node is no longer the sale it was (deleted since, its id reused), p keeps every
// sale and they are marked again by id: marking is idempotent.
func (s *Store) freezeByNodes(ctx context.Context, rec *neo4j.Record, p map[string]any) error {
	sales, _ := p["sales"].([]string)
	paid, _ := p["paid_sales"].([]string)
	salesNodes, paidNodes := nodeList(get[string](rec, "sales_nodes"), len(sales)), nodeList(get[string](rec, "paid_nodes"), len(paid))
	if len(salesNodes) != len(sales) || len(paidNodes) != len(paid) || len(sales)+len(paid) == 0 {
		return nil
	}
	res, err := s.write(ctx, qRunCommitFreezeNodes, map[string]any{"run": p["run"], "sales": sales, "sales_nodes": salesNodes,
		"paid_sales": paid, "paid_nodes": paidNodes, "paid_lines": p["paid_lines"]})
	if err != nil {
		return err
	}
	r := res.Records[0]
	if get[int64](r, "sales") != int64(len(sales)) || get[int64](r, "paid") != int64(len(paid)) {
		s.log.Warn("a draft's sale nodes changed before its commit; those sales are marked by id", "run", p["run"])
		return nil
	}
	p["sales"], p["paid_sales"], p["paid_lines"] = []string{}, []string{}, []string{}
	return nil
}

// byWriters hands what is sent on the channel to `writers` goroutines running do; the caller
// closes the channel, then the returned func waits for them and gives the first error. After an error the rest is received and
// dropped, so a sender never blocks.
func byWriters[T any](do func(T) error) (chan<- T, func() error) {
	in := make(chan T, writers)
	errc := make(chan error, writers)
	for w := 0; w < writers; w++ {
		go func() {
			var first error
			for x := range in {
				if first == nil {
					first = do(x)
				}
			}
			errc <- first
		}()
	}
	return in, func() error {
		var first error
		for w := 0; w < writers; w++ {
			if err := <-errc; err != nil && first == nil {
				first = err
			}
		}
		return first
	}
}

// freezeChunk is the number of ids in each list of a (:RunFreeze) chunk.
const freezeChunk = 10000

// nodeOrder is the order a freeze lists n sales in: by their references (engine.Sale.Ref, the
// node id plus one) when every one is known, otherwise as given (by id).
func nodeOrder(refs []int64, n int) []int32 {
	order := make([]int32, n)
	for k := range order {
		order[k] = int32(k)
	}
	if len(refs) != n || slices.ContainsFunc(refs, func(r int64) bool { return r <= 0 }) {
		return order
	}
	slices.SortFunc(order, func(a, b int32) int { return cmp.Compare(refs[a], refs[b]) })
	return order
}

// orderedPart is the chunk at i of xs, one per line: taken in order (nodeOrder), or as listed
// when order is nil.
func orderedPart(xs []string, order []int32, i int) string {
	if order == nil {
		if i >= len(xs) {
			return ""
		}
		return strings.Join(xs[i:min(i+freezeChunk, len(xs))], "\n")
	}
	var b strings.Builder
	for k := i; k < min(i+freezeChunk, len(order)); k++ {
		if k > i {
			b.WriteByte('\n')
		}
		b.WriteString(xs[order[k]])
	}
	return b.String()
}

// nodesPart is the node ids of the chunk at i of the sales taken in order, one per line, from
// their references (engine.Sale.Ref, the node id plus one: see loadSales); empty when one is
// unknown, and the commit then finds the chunk's sales by id.
func nodesPart(refs []int64, order []int32, i int) string {
	n := len(order)
	if i >= n || len(refs) != n {
		return ""
	}
	var b []byte
	for k := i; k < min(i+freezeChunk, n); k++ {
		r := refs[order[k]]
		if r <= 0 {
			return ""
		}
		if k > i {
			b = append(b, '\n')
		}
		b = strconv.AppendInt(b, r-1, 10)
	}
	return string(b)
}

// nodeList reads a chunk's node ids (nodesPart); nil unless there is one for each of n sales.
func nodeList(v any, n int) []int64 {
	s, _ := v.(string)
	if s == "" || n == 0 {
		return nil
	}
	out := make([]int64, 0, n)
	for _, f := range strings.Split(s, "\n") {
		id, err := strconv.ParseInt(f, 10, 64)
		if err != nil {
			return nil
		}
		out = append(out, id)
	}
	if len(out) != n {
		return nil
	}
	return out
}

// freezeList reads a list of a freeze chunk: one string, an item per line, since issue #19; a
// list in drafts from before.
func freezeList(v any) []string {
	switch x := v.(type) {
	case string:
		if x == "" {
			return []string{}
		}
		return strings.Split(x, "\n")
	case []any:
		out := make([]string, len(x))
		for i, e := range x {
			out[i], _ = e.(string)
		}
		return out
	}
	return []string{}
}

// walkRun runs q over a run's statements in member-id batches until a batch is empty.
func (s *Store) walkRun(ctx context.Context, q, id string, extra map[string]any) error {
	for after := ""; ; {
		p := map[string]any{"run": id, "after": after, "batch": statementBatch}
		for k, v := range extra {
			p[k] = v
		}
		res, err := s.write(ctx, q, p)
		if err != nil {
			return err
		}
		if get[int64](res.Records[0], "n") == 0 {
			return nil
		}
		after = get[string](res.Records[0], "last")
	}
}

// WriteMissingEarnings implements payouts.RunStore: committed runs without analysts' earnings
// get them, once (the walk is idempotent and the run remembers it is done).
func (s *Store) WriteMissingEarnings(ctx context.Context) ([]string, error) {
	res, err := s.read(ctx, qRunsWithoutEarnings, nil)
	if err != nil {
		return nil, err
	}
	var ids []string
	for _, r := range res.Records {
		id, end := get[string](r, "id"), get[time.Time](r, "period_end")
		if err := s.writeEarnings(ctx, id, end); err != nil {
			return ids, err
		}
		if _, err := s.write(ctx, qRunEarningsDone, map[string]any{"id": id}); err != nil {
			return ids, err
		}
		ids = append(ids, id)
	}
	return ids, nil
}

// writeEarnings sums one committed run's lines per member, line type and vendor, a batch of
// statements at a time, and writes them as (:Earning) nodes.
func (s *Store) writeEarnings(ctx context.Context, id string, end time.Time) error {
	type key struct{ member, typ, vendor string }
	// Background work (graph.GiveWay): while people use the API, it rests between writes, and
	// writes smaller ones, so no dashboard waits long behind one.
	pacer := graph.NewPacer(ctx)
	defer pacer.Done()
	for after := ""; ; {
		if err := pacer.Step(ctx); err != nil {
			return err
		}
		batch := statementBatch
		if pacer.Busy() {
			batch = pacedBatch
		}
		res, err := s.read(ctx, qRunEarningsRead, map[string]any{"run": id, "after": after, "batch": batch})
		if err != nil {
			return err
		}
		if len(res.Records) == 0 {
			return nil
		}
		type sum struct {
			key
			cents, lines int64
		}
		var sums []sum
		at := map[key]int{} // position in sums
		for _, r := range res.Records {
			member := get[string](r, "member")
			for _, l := range statementLines(r, false) {
				k := key{member, l.Type.String(), l.Vendor}
				i, seen := at[k]
				if !seen {
					i, at[k] = len(sums), len(sums)
					sums = append(sums, sum{key: k})
				}
				sums[i].cents += int64(l.Amount)
				sums[i].lines++
			}
			after = member
		}
		rows := make([]map[string]any, len(sums))
		for i, x := range sums {
			rows[i] = map[string]any{"member": x.member, "type": x.typ, "vendor": x.vendor, "cents": x.cents, "lines": x.lines}
		}
		// Each write's size is decided when it starts, and is small while people use the API:
		// right after a commit, writes of 1,000–5,000 earnings (each linked to its member, run
		// and vendor) ran 2–9 s beside the projection's reload and the counters' rebuild, and
		// dashboards at 200/s stalled for up to 2 s as they committed; with 250 at a time the
		// first 30 s after the commit had a p99 of 29–51 ms instead of 0.34–1.7 s (issue #19,
		// README Performance).
		for len(rows) > 0 {
			if err := pacer.Step(ctx); err != nil {
				return err
			}
			n := statementBatch
			if pacer.Busy() {
				n = cmp.Or(s.earningsPart, earningsPaced)
			}
			part := rows[:min(n, len(rows))]
			rows = rows[len(part):]
			if _, err := s.write(ctx, qRunCommitEarnings, map[string]any{"run": id, "rows": part, "period_end": ts(end)}); err != nil {
				return err
			}
		}
	}
}

// CommitBeat implements payouts.RunStore.
func (s *Store) CommitBeat(ctx context.Context, id string, at time.Time) error {
	_, err := s.write(ctx, qRunBeat, map[string]any{"id": id, "at": ts(at)})
	return err
}

// ResumeCommits implements payouts.RunStore.
func (s *Store) ResumeCommits(ctx context.Context, before time.Time) ([]string, error) {
	res, err := s.read(ctx, qRunsCommitting, map[string]any{"before": ts(before)})
	if err != nil {
		return nil, err
	}
	var ids []string
	for _, r := range res.Records {
		id := get[string](r, "id")
		if err := s.applyCommit(ctx, id); err != nil {
			return ids, err
		}
		ids = append(ids, id)
	}
	return ids, nil
}

// Lines implements payouts.RunStore: whole statements are read, in member order, and their lines
// paged here (a statement's lines are one property, see payouts_lines.go).
func (s *Store) Lines(ctx context.Context, runID string, from payouts.LineKey, limit int) ([]payouts.RunLine, *payouts.LineKey, error) {
	out := make([]payouts.RunLine, 0, min(limit, 10000))
	member := from.Member
	for {
		// Every statement read has at least one line, so limit+1 statements always fill a page.
		batch := min(limit+1-len(out), 2000)
		res, err := s.read(ctx, qRunLines, map[string]any{"run": runID, "member": member, "limit": batch})
		if err != nil {
			return nil, nil, err
		}
		for _, r := range res.Records {
			id := get[string](r, "member")
			lines := statementLines(r, false)
			pos := 0
			if id == from.Member {
				pos = from.K
			}
			for ; pos < len(lines); pos++ {
				if len(out) == limit {
					return out, &payouts.LineKey{Member: id, K: pos}, nil
				}
				l := lines[pos]
				out = append(out, payouts.RunLine{ID: payouts.LineID(runID, l.Index), MemberID: id, Type: l.Type.String(),
					Amount: graph.Money(l.Amount), SourceID: l.Source, Generation: l.Generation, ReversalOf: l.ReversalOf, Vendor: l.Vendor})
			}
			member = id + "\x00" // the next read starts after this statement
		}
		if len(res.Records) < batch {
			return out, nil, nil
		}
	}
}

// RunMembers implements payouts.RunStore.
func (s *Store) RunMembers(ctx context.Context, runID, after string, limit int) ([]payouts.RunMember, string, error) {
	res, err := s.read(ctx, qRunMembers, map[string]any{"run": runID, "after": after, "limit": limit + 1})
	if err != nil {
		return nil, "", err
	}
	bvs := func(r *neo4j.Record, k string) string { return graph.BV(engine.Units(get[int64](r, k))) }
	out := make([]payouts.RunMember, 0, len(res.Records))
	for _, r := range res.Records {
		out = append(out, withStatus(r, payouts.RunMember{MemberID: get[string](r, "member"), Rank: get[string](r, "rank"), Active: get[bool](r, "active"),
			CarryLeft: bvs(r, "cl"), CarryRight: bvs(r, "cr"), LifetimeLeft: bvs(r, "ll"), LifetimeRight: bvs(r, "lr"),
			Total: graph.Money(engine.Units(get[int64](r, "total")))}))
	}
	if len(out) > limit {
		return out[:limit], out[limit-1].MemberID, nil
	}
	return out, "", nil
}

// PruneSuperseded implements payouts.RunStore.
func (s *Store) PruneSuperseded(ctx context.Context) ([]string, error) {
	res, err := s.write(ctx, qRunsSuperseded, nil)
	if err != nil {
		return nil, err
	}
	var ids []string
	for _, r := range res.Records {
		ids = append(ids, get[string](r, "id"))
	}
	var all []string
	stale, err := s.read(ctx, qRunsStale, nil)
	if err != nil {
		return ids, err
	}
	for _, r := range stale.Records {
		all = append(all, get[string](r, "id"))
	}
	for _, id := range all {
		if _, err := s.write(ctx, qRunPruneFreeze, map[string]any{"run": id}); err != nil {
			return ids, err
		}
		for {
			res, err := s.write(ctx, qRunPrune, map[string]any{"run": id, "batch": 2000})
			if err != nil {
				return ids, err
			}
			if get[int64](res.Records[0], "deleted") == 0 {
				break
			}
		}
	}
	return all, nil
}

// Statement implements payouts.RunStore.
func (s *Store) Statement(ctx context.Context, runID, memberID string) (*payouts.MemberStatement, error) {
	if _, err := s.Run(ctx, runID); err != nil {
		return nil, err
	}
	res, err := s.read(ctx, qRunStatementGet, map[string]any{"run": runID, "member": memberID})
	if err != nil {
		return nil, err
	}
	out := &payouts.MemberStatement{RunID: runID, MemberID: memberID, Total: "0.00", Lines: []payouts.StatementLineView{}}
	if len(res.Records) == 0 {
		return out, nil // nothing for this member in the run
	}
	r := res.Records[0]
	out.Total = graph.Money(engine.Units(get[int64](r, "total")))
	if get[bool](r, "consultant") {
		bvs := func(k string) string { return graph.BV(engine.Units(get[int64](r, k))) }
		st := withStatus(r, payouts.RunMember{MemberID: memberID, Rank: get[string](r, "rank"), Active: get[bool](r, "active"), CarryLeft: bvs("cl"),
			CarryRight: bvs("cr"), LifetimeLeft: bvs("ll"), LifetimeRight: bvs("lr"), Total: out.Total})
		out.State = &st
	}
	for _, sl := range statementLines(r, true) {
		out.Lines = append(out.Lines, payouts.StatementLineView{
			RunLine: payouts.RunLine{ID: payouts.LineID(runID, sl.Index), MemberID: memberID, Type: sl.Type.String(), Amount: sl.Amount.String(), SourceID: sl.Source,
				Generation: sl.Generation, ReversalOf: sl.ReversalOf, Vendor: sl.Vendor},
			Explanation: payouts.Explain(sl)})
	}
	return out, nil
}

// withStatus adds a run member's §10 status, its date and the effective sponsor, where stored.
func withStatus(r *neo4j.Record, m payouts.RunMember) payouts.RunMember {
	m.Status, m.Sponsor = get[string](r, "status"), get[string](r, "sponsor")
	if v, ok := r.Get("since"); ok && v != nil {
		t := v.(time.Time).UTC()
		m.StatusSince = &t
	}
	m.Note = payouts.StatusNote(m.Status, m.StatusSince, m.Sponsor)
	return m
}
