package engine

import (
	"fmt"
	"math/bits"
	"slices"
	"strings"
	"sync"
	"time"
)

// InputError is a snapshot that breaks a structural rule (unknown sponsor, slot taken, …).
type InputError struct{ Msg string }

func (e *InputError) Error() string { return e.Msg }

func inputErr(format string, a ...any) error { return &InputError{Msg: fmt.Sprintf(format, a...)} }

const none = int32(-1)

// runContext is what the run keeps to explain lines after the fact.
type runContext struct {
	ids     []string // sorted
	index   *idIndex
	sponsor []int32
	active  []bool
	// Activations whose revenue-share lines skipped inactive members, and their attributed
	// consultant: collected in the run as pairs (cheap), made a map by sale only when a
	// statement first asks (Compressed), so a projection never pays for it.
	skipped  []skippedSale
	saleOnce sync.Once
	saleS    map[int32]int32 // sale index (Result.SaleID) → its attributed consultant S
}

type skippedSale struct {
	sale int32 // index into the result's sales
	s    int32
}

// payoutRun is the state one payout run shares between its steps: the members indexed in id order
// (§2), both trees, the sales the run accounts, each consultant's result so far, and the lines.
type payoutRun struct {
	cfg *Config
	in  *Input

	// Members that exist for this run, by index in id order.
	n        int
	ids      []string
	index    *idIndex // of ids, its map built on demand and kept by the result (lookup)
	searches int      // lookups answered by binary search; past a thousand, the map is built
	at       []int32  // Input.Members index → index here, none when not in this run
	inIDs    []string // Input.Members[i].ID, for confirming hints (hinted)
	plan     []Plan
	status   []Status // §10
	since    []time.Time
	rolled   []bool
	sponsor  []int32 // the effective sponsor tree (§10 roll-up) once sponsorTree has run
	parent   []int32
	left     []int32
	right    []int32

	// Placement tree: pre-order and Euler intervals (v is in u's subtree iff
	// tin[u] <= tin[v] < tin[u]+size[u]); sponsor tree: breadth-first order.
	pre         []int32
	tin, size   []int32
	spOrder     []int32
	consultants int

	// Cancellations (§6): voided activations and the clawbacks of committed ones.
	voided map[string]bool
	claws  []*Cancellation
	// Refunds (§11): the clawbacks of committed packs and upgrades; voided sales are in voided.
	refundClaws []*Refund

	// Sales in id order, window PV and the volume this run accounts (§3).
	sales               []*Sale
	pv                  []volumes
	accounted           []accountedSale
	sumsByS             bool         // a sums-only run: activations in acts, saleSums by S
	acts                []activation // sumsByS: the accounted activations with an S
	memo                bool         // sumsByS with Input.Memo: the activations are in refs
	refs                []sumsRef    // memo: the memo's totals with an S
	pos                 []int32      // index here → Input.Members index (memberPos), on demand
	salesBV, salesValue Units
	prevRank            []int
	rankIdx             []int
	out                 []MemberResult
	hasLeft, hasRight   []bool // a sponsored active sits in the placement leg
	binary              []Units
	active              []bool
	nextActive, spDepth []int32 // compression (step 6)
	totalShares         int
	ctx                 *runContext
	lines               []line
	sums                []memberSums // Input.SumsOnly, instead of lines
	nLines              int          // lines totalled into sums
	details             []Detail
	revs                []revRef
	memberTotal         []Units
	vendorIdx           map[string]int
	vendors             []string
	vendorSum           []Units
	res                 *Result
	scr                 *Scratch // working arrays (Input.Scratch); only out and sums may be in res (ReuseResults)
}

// volumes is one consultant's PV (§3): in the activity window, and what this run accounts.
// Side by side, so the walk over a million sales, which adds to a random consultant's, misses
// the cache once per sale instead of twice (issue #19).
type volumes struct{ window, accounted Units }

// accountedSale is a sale this run accounts, with the members it concerns.
type accountedSale struct {
	sale *Sale
	idx  int32 // index in sales (the line source)
	s    int32 // attributed consultant S (§3)
	m    int32 // buyer or activated member
}

// Run computes one payout run over the snapshot (PLAN.md §4, steps 1–10). It is deterministic:
// the same snapshot gives the same result whatever the order of its slices. Time and memory
// are linear in members + sales; no walk depends on the depth of the placement tree. Each step
// is one method below, in the plan's order; lines are numbered in the order they are emitted.
func Run(in Input) (*Result, error) {
	cfg := in.Config
	if cfg == nil {
		cfg = DefaultConfig()
	}
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if in.End.IsZero() {
		return nil, inputErr("period end is required")
	}
	if !in.Start.IsZero() {
		if want := in.Start.AddDate(0, 0, cfg.CadenceDays); !in.End.Equal(want) {
			return nil, inputErr("period end %s is off the plan's cadence: the run after %s ends at %s",
				in.End.UTC().Format(time.RFC3339), in.Start.UTC().Format(time.RFC3339), want.UTC().Format(time.RFC3339))
		}
	}
	scr, giveBack := lend(&in)
	defer giveBack()
	r := &payoutRun{cfg: cfg, in: &in, res: &Result{}, scr: scr}
	between := func() {}
	if in.Between != nil {
		between = in.Between
	}
	for _, prepare := range []func() error{r.members, r.statuses, r.placementTree, r.sponsorTree, r.rollUp, r.cancellations, r.refunds, r.accountSales, r.previousStates} {
		if err := prepare(); err != nil {
			return nil, err
		}
		between()
	}
	for _, step := range []func(){
		r.volume,         // step 1
		r.activity,       // step 2
		r.rank,           // step 3
		r.binaryBonus,    // step 4
		r.matching,       // step 5
		r.compression,    // step 6, its prerequisite
		r.reserveLines,   // the bulk of the lines, counted before they are written
		r.saleLines,      // steps 6, 7 and 8, sale by sale
		r.leadershipPool, // step 9
	} {
		step()
		between()
	}
	if err := r.clawbacks(); err != nil { // step 10
		return nil, err
	}
	between()
	return r.result(), nil
}

// memberRef is a member of the input and its index there.
type memberRef struct {
	m *Member
	i int32
}

// members indexes the members that exist for this run (§2: registered before the period end)
// in id order and checks the trees' structural rules.
func (r *payoutRun) members() error {
	in := r.in
	refs := r.scr.mrefs.empty(len(in.Members))
	r.inIDs = r.scr.strs.take(len(in.Members))
	for i := range in.Members {
		r.pause(i)
		r.inIDs[i] = in.Members[i].ID
		if in.Members[i].RegisteredAt.Before(in.End) {
			refs = append(refs, memberRef{&in.Members[i], int32(i)})
		}
	}
	sortByID(refs, func(x memberRef) string { return x.m.ID }, r.offer)
	n := len(refs)
	r.n = n
	// The ids and sponsors are the result's too (runContext, which names its lines), so they
	// come from the scratch only for a result that may live there and has no lines.
	if r.scr.ReuseResults && in.SumsOnly {
		r.ids, r.sponsor = r.scr.strs.take(n), r.scr.i32.take(n)
	} else {
		r.ids, r.sponsor = make([]string, n), make([]int32, n)
	}
	r.index = &idIndex{ids: r.ids}
	r.at = r.scr.i32.take(len(in.Members))
	for i := range r.at {
		r.at[i] = none
	}
	mem := r.scr.mems.take(n)
	for i, x := range refs {
		r.pause(i)
		if i > 0 && refs[i-1].m.ID == x.m.ID {
			return inputErr("member %s: listed twice", x.m.ID)
		}
		mem[i] = x.m
		r.ids[i] = x.m.ID
		r.at[x.i] = int32(i)
	}
	refs = nil
	r.plan = r.scr.plans.take(n)
	r.parent = r.scr.i32.take(n)
	r.left = r.scr.i32.take(n)
	r.right = r.scr.i32.take(n)
	for i := range r.left {
		r.left[i], r.right[i] = none, none
	}
	// Plans first, in one array: the checks below read a sponsor's or a parent's plan from it
	// (a byte) instead of from its Member, a cache miss of its own at 1M. One update of
	// bench-projection's engine took 2.7–3.1 s against 3.9–4.5 s before (issue #19).
	for i, m := range mem {
		r.pause(i)
		r.plan[i] = m.Plan
	}
	for i, m := range mem {
		r.pause(i)
		if m.Plan == PlanNone || m.Plan > PlanCustomer {
			return inputErr("member %s: unknown plan", m.ID)
		}
		r.sponsor[i], r.parent[i] = none, none
		if m.Sponsor != "" {
			s, ok := r.hinted(m.SponsorAt, m.Sponsor)
			if !ok {
				return inputErr("member %s: sponsor %s does not exist at %s", m.ID, m.Sponsor, in.End.UTC().Format(time.RFC3339))
			}
			if !r.plan[s].IsConsultant() {
				return inputErr("member %s: sponsor %s is not a consultant", m.ID, m.Sponsor)
			}
			r.sponsor[i] = s
		}
		if m.Plan == PlanCustomer {
			if m.Parent != "" {
				return inputErr("member %s: customers are not placed", m.ID)
			}
			if m.Sponsor == "" {
				return inputErr("member %s: a customer needs a sponsor", m.ID)
			}
			continue
		}
		if m.Parent == "" {
			if m.Sponsor != "" {
				return inputErr("member %s: a consultant other than the root needs a placement parent", m.ID)
			}
			continue
		}
		p, ok := r.hinted(m.ParentAt, m.Parent)
		if !ok {
			return inputErr("member %s: placement parent %s does not exist", m.ID, m.Parent)
		}
		if !r.plan[p].IsConsultant() {
			return inputErr("member %s: placement parent %s is not a consultant", m.ID, m.Parent)
		}
		r.parent[i] = p
		slot := &r.left[p]
		if m.Leg == LegRight {
			slot = &r.right[p]
		} else if m.Leg != LegLeft {
			return inputErr("member %s: leg must be left or right", m.ID)
		}
		if *slot != none {
			return inputErr("member %s: the %s slot of %s is taken by %s", m.ID, m.Leg, m.Parent, r.ids[*slot])
		}
		*slot = int32(i)
	}
	return nil
}

// lookup is the index of member id in this run. A few lookups search the sorted ids; the map
// is built only for many (a caller that gives hints, the projection's, needs none: issue #19).
func (r *payoutRun) lookup(id string) (int32, bool) {
	if r.searches < 1024 {
		r.searches++
		k, ok := slices.BinarySearch(r.ids, id)
		return int32(k), ok
	}
	return r.index.find(id)
}

// hinted is lookup(id) for a reference that may carry a hint, the index of id in Input.Members
// plus one (Member.SponsorAt, Member.ParentAt, Sale.MemberAt); a hint that does not name id is
// ignored.
func (r *payoutRun) hinted(hint int32, id string) (int32, bool) {
	// Confirmed against the ids alone (16 bytes a member), not the members: at 1M consultants
	// the members outgrow the processor's cache and each confirmation was a miss (issue #19).
	if hint > 0 && int(hint) <= len(r.inIDs) && r.inIDs[hint-1] == id {
		k := r.at[hint-1]
		return k, k != none
	}
	return r.lookup(id)
}

// statuses is §10: a consultant's status for the run is set by its latest event before the end
// (between events at the same time, the one recorded last), except that a termination before
// the end decides it whatever the other events say. The root and customers have no status.
func (r *payoutRun) statuses() error {
	r.status = r.scr.stats.take(r.n)
	r.since = r.scr.times.take(r.n)
	cur := make(map[int32]StatusEvent, len(r.in.StatusEvents)) // the deciding event so far
	for _, e := range r.in.StatusEvents {
		if !e.At.Before(r.in.End) {
			continue
		}
		i, ok := r.lookup(e.Member)
		if !ok {
			return inputErr("status event for %s: not a member of this run", e.Member)
		}
		if !r.plan[i].IsConsultant() {
			return inputErr("status event for %s: customers have no status of their own", e.Member)
		}
		if r.sponsor[i] == none {
			return inputErr("status event for %s: the root can be neither suspended nor terminated", e.Member)
		}
		if e.Status > StatusTerminated {
			return inputErr("status event for %s: unknown status", e.Member)
		}
		if c, set := cur[i]; supersedes(c, set, e) {
			cur[i] = e
			r.status[i], r.since[i] = e.Status, e.At
		}
	}
	return nil
}

// supersedes is §10's rule between two status events of one member dated before the run's end:
// the later one decides, the one recorded last among equals, and a termination decides whatever
// the others say.
func supersedes(cur StatusEvent, set bool, e StatusEvent) bool {
	switch {
	case !set:
		return true
	case cur.Status == StatusTerminated:
		return false
	}
	return e.Status == StatusTerminated || e.At.After(cur.At) || (e.At.Equal(cur.At) && e.Seq > cur.Seq)
}

// StatusAt is one member's status for a run ending at end (§10), and since when: StatusActive
// with a zero time when no event before end decides it.
func StatusAt(events []StatusEvent, end time.Time) (Status, time.Time) {
	var cur StatusEvent
	set := false
	for _, e := range events {
		if e.At.Before(end) && supersedes(cur, set, e) {
			cur, set = e, true
		}
	}
	return cur.Status, cur.At
}

// placementTree orders the binary tree: an iterative pre-order (no recursion: chains can be
// 100,000 deep) and each subtree's size.
func (r *payoutRun) placementTree() error {
	n, left, right, parent, plan := r.n, r.left, r.right, r.parent, r.plan
	r.tin = r.scr.i32.take(n)
	r.size = r.scr.i32.take(n)
	r.pre = r.scr.i32.empty(n)
	stack := r.scr.i32.empty(n) // each member is pushed once
	for i := 0; i < n; i++ {
		if parent[i] != none || !plan[i].IsConsultant() {
			continue
		}
		stack = append(stack[:0], int32(i))
		for len(stack) > 0 {
			v := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			r.tin[v] = int32(len(r.pre))
			r.pre = append(r.pre, v)
			r.pause(len(r.pre))
			if right[v] != none {
				stack = append(stack, right[v])
			}
			if left[v] != none {
				stack = append(stack, left[v])
			}
		}
	}
	for i := 0; i < n; i++ {
		if plan[i].IsConsultant() {
			r.consultants++
		}
	}
	if len(r.pre) != r.consultants {
		return inputErr("placement tree has a cycle")
	}
	for k := len(r.pre) - 1; k >= 0; k-- {
		r.pause(k)
		v := r.pre[k]
		r.size[v]++
		if p := parent[v]; p != none {
			r.size[p] += r.size[v]
		}
	}
	return nil
}

// sponsorTree orders the sponsor tree breadth-first: sponsors before the members they enrolled.
func (r *payoutRun) sponsorTree() error {
	n, sponsor := r.n, r.sponsor
	spHead := r.scr.i32.take(n)
	spNext := r.scr.i32.take(n)
	for i := range spHead {
		spHead[i] = none
	}
	for i := n - 1; i >= 0; i-- {
		if s := sponsor[i]; s != none {
			spNext[i] = spHead[s]
			spHead[s] = int32(i)
		}
	}
	r.spOrder = r.scr.i32.empty(n)
	for i := 0; i < n; i++ {
		if sponsor[i] == none {
			r.spOrder = append(r.spOrder, int32(i))
		}
	}
	for k := 0; k < len(r.spOrder); k++ {
		r.pause(k)
		for c := spHead[r.spOrder[k]]; c != none; c = spNext[c] {
			r.spOrder = append(r.spOrder, c)
		}
	}
	if len(r.spOrder) != n {
		return inputErr("sponsor tree has a cycle")
	}
	return nil
}

// rollUp is §10's roll-up: every member whose sponsor is terminated for this run has the next
// sponsor above it that is not. Sponsors come before their members in spOrder, so a sponsor's
// own effective sponsor is already known when its members are reached. Every later step uses
// this effective tree; the placement tree never changes.
func (r *payoutRun) rollUp() error {
	r.rolled = r.scr.bools.take(r.n)
	for _, v := range r.spOrder {
		if s := r.sponsor[v]; s != none && r.status[s] == StatusTerminated {
			r.sponsor[v] = r.sponsor[s]
			r.rolled[v] = true
		}
	}
	return nil
}

// cancellations sorts the cancellations this run accounts (§6, step 10): one of an activation a
// committed run accounted is a clawback; any other voids its activation.
func (r *payoutRun) cancellations() error {
	in, res := r.in, r.res
	r.voided = r.scr.voidedSet()
	cs := accountedBy(in.Cancellations, in.End, func(c *Cancellation) (time.Time, string) { return c.OccurredAt, c.ID })
	if r.scr.ReuseResults && in.SumsOnly { // the result's lists live in the scratch, as its ids do
		k := 0
		for _, c := range cs {
			if !c.ActivationAccounted {
				k++
			}
		}
		res.Voided, res.VoidedActivations = r.scr.strs.empty(k), r.scr.strs.empty(k)
	}
	for _, c := range cs {
		if c.ActivationAccounted {
			r.claws = append(r.claws, c)
			res.Clawed = append(res.Clawed, c.ID)
		} else {
			r.voided[c.Activation] = true
			res.Voided = append(res.Voided, c.ID)
			res.VoidedActivations = append(res.VoidedActivations, c.Activation)
		}
	}
	return nil
}

// voidedIDs is the ids in set in id order, in buf's room.
func voidedIDs(set map[string]bool, buf []string) []string {
	buf = buf[:0]
	for id := range set {
		buf = append(buf, id)
	}
	slices.Sort(buf)
	return buf
}

// accountedBy is what a run ending at end accounts of xs, cancellations or refunds (§6, §11):
// those dated before end, in id order.
func accountedBy[T any](xs []T, end time.Time, key func(*T) (time.Time, string)) []*T {
	out := make([]*T, 0, len(xs))
	for i := range xs {
		if at, _ := key(&xs[i]); at.Before(end) {
			out = append(out, &xs[i])
		}
	}
	slices.SortFunc(out, func(a, b *T) int {
		_, ia := key(a)
		_, ib := key(b)
		return strings.Compare(ia, ib)
	})
	return out
}

// refunds sorts the refunds this run accounts (§11, like a cancellation in §6): one of a sale a
// committed run accounted reverses its direct bonus; any other voids the sale, which is then
// left out of every step of this run (volume, activity, pool, direct bonus) and of later ones.
func (r *payoutRun) refunds() error {
	in, res := r.in, r.res
	for _, f := range accountedBy(in.Refunds, in.End, func(f *Refund) (time.Time, string) { return f.OccurredAt, f.ID }) {
		if f.SaleAccounted {
			r.refundClaws = append(r.refundClaws, f)
			res.ClawedRefunds = append(res.ClawedRefunds, f.ID)
		} else {
			r.voided[f.Sale] = true
			res.VoidedRefunds = append(res.VoidedRefunds, f.ID)
			res.VoidedSales = append(res.VoidedSales, f.Sale)
		}
	}
	return nil
}

// accountSales attributes every sale to its consultant S (§3), sums the activity window's PV,
// and picks the sales this run accounts: not accounted before, not voided, from the cutover on.
func (r *payoutRun) accountSales() error {
	in, cfg := r.in, r.cfg
	r.pv = r.scr.vols.take(r.n)
	r.initVendors()
	// A sums-only run keeps its accounted activations apart, as saleSums reads them, and only
	// the packs and upgrades as accounted sales (fewer, so they get less room to begin with).
	r.sumsByS = r.in.SumsOnly && len(cfg.RSRates) <= len(sumsRow{}.earner)
	if r.sumsByS {
		r.accounted = r.scr.acct.empty(len(in.Sales)/8 + 64)
		defer func() { r.scr.acct.grew(r.accounted) }()
		if r.memo = in.Memo != nil; r.memo {
			return r.accountSalesMemo()
		}
		r.acts = r.scr.acts.empty(len(in.Sales))
	} else {
		r.accounted = r.scr.acct.empty(len(in.Sales))
	}
	r.sales = r.scr.sales.empty(len(in.Sales))
	for i := range in.Sales {
		r.sales = append(r.sales, &in.Sales[i])
	}
	sortByID(r.sales, func(s *Sale) string { return s.ID }, r.offer)
	period := r.period(in.End)
	// The voided sales in id order, walked beside the sales: a compare instead of hashing every
	// sale's id, which was 7 % of the projection's engine in a profile of halod under ingest
	// (200,000 consultants, 7,269 cancellations; issue #19).
	voided := voidedIDs(r.voided, r.scr.strs.empty(len(r.voided)))
	v := 0
	for k, sl := range r.sales {
		if k > 0 && r.sales[k-1].ID == sl.ID {
			return inputErr("sale %s: listed twice", sl.ID)
		}
		for v < len(voided) && voided[v] < sl.ID {
			v++
		}
		if v < len(voided) && voided[v] == sl.ID {
			continue // a cancelled activation (§6) or a refunded sale (§11) that nobody was paid for
		}
		m, ok := r.hinted(sl.MemberAt, sl.Member)
		if !ok {
			continue // its member does not exist yet in this run: the sale waits
		}
		s := m
		if sl.Kind == SaleActivation && !r.plan[m].IsConsultant() {
			s = r.sponsor[m]
		} else if !r.plan[m].IsConsultant() {
			return inputErr("sale %s: %s buys a pack but is not a consultant", sl.ID, sl.Member)
		}
		inRun, inWindow, accounts := r.counts(sl, period)
		if !inRun {
			continue
		}
		if inWindow {
			r.pv[s].window += sl.BV
		}
		if !accounts {
			continue
		}
		if r.sumsByS && sl.Kind == SaleActivation {
			vi := r.vendorSlot(sl.Vendor)
			if s != none {
				r.acts = append(r.acts, activation{s: s, vendor: int32(vi), cv: sl.CV, retail: sl.Retail})
			}
		} else {
			r.accounted = append(r.accounted, accountedSale{sale: sl, idx: int32(k), s: s, m: m})
		}
		r.pv[s].accounted += sl.BV
		r.salesBV += sl.BV
		r.salesValue += sl.Price + sl.CV
	}
	if r.in.SumsOnly {
		return nil // nothing is committed from a sums-only run: no list of what it accounts
	}
	r.res.AccountedSales = make([]string, len(r.accounted))
	r.res.AccountedRefs = make([]int64, len(r.accounted))
	for k, a := range r.accounted {
		r.res.AccountedSales[k], r.res.AccountedRefs[k] = a.sale.ID, a.sale.Ref
	}
	return nil
}

// ends is a run's end and the start of its activity window (§5).
type ends struct{ end, windowStart time.Time }

func (r *payoutRun) period(end time.Time) ends {
	return ends{end, end.AddDate(0, 0, -r.cfg.ActivityWindowDays)}
}

// counts is how a run ending at e.end counts sale sl: in the run at all (before the end and not
// held, §9), toward the activity window's PV (§3), and as accounted by this run (no committed
// run accounted it, and it is from the cutover on, §7).
func (r *payoutRun) counts(sl *Sale, e ends) (inRun, inWindow, accounts bool) {
	if !sl.OccurredAt.Before(e.end) || held(sl, e.end) {
		return false, false, false
	}
	return true, !sl.OccurredAt.Before(e.windowStart), !sl.Accounted && (r.in.Cutover.IsZero() || !sl.OccurredAt.Before(r.in.Cutover))
}

// held is §9: an activation within its product's rescission window at the run's end waits — not
// accounted, not counted toward anyone's activity — and the first run whose end is past
// occurred_at + hold_days (days of 24 hours; on the boundary it is still held) accounts it.
func held(sl *Sale, end time.Time) bool {
	return sl.Kind == SaleActivation && sl.HoldDays > 0 && !sl.Accounted &&
		!sl.OccurredAt.Add(time.Duration(sl.HoldDays)*24*time.Hour).Before(end)
}

// previousStates starts every consultant from its state after the previous run (rank, carry,
// lifetime leg volume).
func (r *payoutRun) previousStates() error {
	r.prevRank = r.scr.ints.take(r.n)
	if r.scr.ReuseResults {
		r.out = r.scr.outs.takePaused(r.n, r.offer) // the result's Members (Scratch.ReuseResults)
	} else {
		r.out = make([]MemberResult, r.n)
	}
	for i := range r.out {
		r.pause(i)
		r.out[i].State.Member = r.ids[i]
	}
	// Merged with the members in id order, not looked up: a million states, no map (issue #19).
	// Of two states of one member the later in the input wins (the sort is stable).
	prev := r.scr.prevs.take(len(r.in.Prev))
	for k := range r.in.Prev {
		r.pause(k)
		prev[k] = &r.in.Prev[k]
	}
	sortByID(prev, func(p *State) string { return p.Member }, r.offer)
	i := 0
	for k, p := range prev {
		r.pause(k)
		if k+1 < len(prev) && prev[k+1].Member == p.Member {
			continue
		}
		for i < r.n && r.ids[i] < p.Member {
			i++
		}
		if i == r.n || r.ids[i] != p.Member {
			continue // not in this run (registered later than the period end)
		}
		ri, err := r.cfg.RankIndex(p.Rank)
		if err != nil {
			return inputErr("previous state of %s: %v", p.Member, err)
		}
		r.out[i].State = *p
		r.prevRank[i] = ri
	}
	return nil
}

// volume is step 1: each consultant's new left and right leg volume, bottom-up in one pass over
// the reversed pre-order, added to its lifetime leg volume.
func (r *payoutRun) volume() {
	sub := r.scr.units.take(r.n)
	for k := len(r.pre) - 1; k >= 0; k-- {
		r.pause(k)
		v := r.pre[k]
		sub[v] += r.pv[v].accounted
		if p := r.parent[v]; p != none {
			sub[p] += sub[v]
		}
	}
	for i := 0; i < r.n; i++ {
		r.pause(i)
		o := &r.out[i]
		o.Plan = r.plan[i]
		if l := r.left[i]; l != none {
			o.NewLeft = sub[l]
			o.LeftMembers = r.size[l]
		}
		if rt := r.right[i]; rt != none {
			o.NewRight = sub[rt]
			o.RightMembers = r.size[rt]
		}
		o.LifetimeLeft += o.NewLeft
		o.LifetimeRight += o.NewRight
		o.PersonalVolume = r.pv[i].window
	}
}

// activity is step 2 (§3): a consultant is active with at least the minimum PV in the window.
// It also counts each consultant's sponsored actives and whether one sits in each placement leg
// (Euler intervals, O(1) per member).
func (r *payoutRun) activity() {
	n, out, sponsor, left, right, tin, size := r.n, r.out, r.sponsor, r.left, r.right, r.tin, r.size
	for i := 0; i < n; i++ {
		r.pause(i)
		// §10: a suspended or terminated consultant is not active, whatever its volume.
		out[i].Status, out[i].StatusSince, out[i].RolledUp = r.status[i], r.since[i], r.rolled[i]
		out[i].Active = r.plan[i].IsConsultant() && r.pv[i].window >= r.cfg.ActivityMinPV && r.status[i] == StatusActive
	}
	r.hasLeft = r.scr.bools.take(n)
	r.hasRight = r.scr.bools.take(n)
	inSub := func(u, v int32) bool { return u != none && tin[u] <= tin[v] && tin[v] < tin[u]+size[u] }
	for i := 0; i < n; i++ {
		r.pause(i)
		s := sponsor[i]
		if s == none || !out[i].Active {
			continue
		}
		out[s].SponsoredActives++
		if inSub(left[s], int32(i)) {
			r.hasLeft[s] = true
		} else if inSub(right[s], int32(i)) {
			r.hasRight[s] = true
		}
	}
	// Rank, binary and matching lines (at most a few per consultant) are collected first; the
	// bulk (revenue share, retail, direct, pool, clawbacks) is counted before it is written, so
	// the line slice is allocated once at its exact size (reserveLines).
	if r.in.SumsOnly && r.scr.ReuseResults {
		r.sums = r.scr.sums.takePaused(n, r.offer) // the result's sums (Scratch.ReuseResults)
	} else if r.in.SumsOnly {
		r.sums = make([]memberSums, n)
	} else {
		r.lines = make([]line, 0, n/8+16)
	}
	r.memberTotal = r.scr.units.take(n)
}

func (r *payoutRun) emit(l line) {
	r.memberTotal[l.member] += l.amount
	if r.sums != nil {
		// A reversal's member is the member of the line it reverses (clawbacks: known, or the
		// run is refused), as Result.Line says.
		ms := &r.sums[l.member]
		ms.byType[l.typ] += l.amount
		ms.lines++
		r.nLines++
		return
	}
	r.lines = append(r.lines, l)
}

func (r *payoutRun) detail(d Detail) int32 {
	r.details = append(r.details, d)
	return int32(len(r.details))
}

// rank is step 3: an active consultant advances to the highest rank whose sponsored actives and
// lesser lifetime leg it meets, with a bonus line for each rank passed. Ranks never go down.
func (r *payoutRun) rank() {
	cfg := r.cfg
	r.rankIdx = r.scr.ints.take(r.n)
	for i := 0; i < r.n; i++ {
		r.pause(i)
		r.rankIdx[i] = r.prevRank[i]
		o := &r.out[i]
		if !o.Active {
			continue
		}
		lesser := min(o.LifetimeLeft, o.LifetimeRight)
		best := 0
		for k := len(cfg.Ranks) - 1; k >= 1; k-- {
			if o.SponsoredActives >= cfg.Ranks[k].SponsoredActives && lesser >= cfg.Ranks[k].LesserLeg {
				best = k
				break
			}
		}
		for k := r.prevRank[i] + 1; k <= best; k++ {
			rr := cfg.Ranks[k]
			r.emit(line{member: int32(i), typ: LineRank, amount: rr.Bonus, srcKind: srcRank, src: int32(k), base: rr.Bonus})
		}
		if best > r.prevRank[i] {
			r.rankIdx[i] = best
			o.Promoted = true
		}
	}
	for i := range r.out {
		r.pause(i)
		r.out[i].Rank = cfg.Ranks[r.rankIdx[i]].Name
	}
}

// binaryBonus is step 4: an active consultant with a sponsored active in each leg is paid its
// plan's rate on the paired volume (the lesser of carry + new on each side), capped per run and
// the rest flushed; what is not paired carries forward, capped.
func (r *payoutRun) binaryBonus() {
	cfg := r.cfg
	r.binary = r.scr.units.take(r.n)
	for i := 0; i < r.n; i++ {
		r.pause(i)
		o := &r.out[i]
		if !r.plan[i].IsConsultant() {
			continue
		}
		L, R := o.CarryLeft+o.NewLeft, o.CarryRight+o.NewRight
		pr := cfg.Rule(r.plan[i])
		if o.Active && pr.BinaryRate > 0 && r.hasLeft[i] && r.hasRight[i] {
			pair := min(L, R)
			exact := mulDiv(int64(pair), int64(pr.BinaryRate), rateScale, false)
			amt := mulRateRound(pair, pr.BinaryRate)
			flushed := Units(0)
			if Units(exact) > pr.WeeklyCap || amt > pr.WeeklyCap {
				flushed = mulRateRound(pair, pr.BinaryRate) - pr.WeeklyCap
				amt = pr.WeeklyCap
			}
			if amt != 0 {
				r.binary[i] = amt
				r.emit(line{member: int32(i), typ: LineBinary, amount: amt, base: pair, rate: int32(pr.BinaryRate),
					extra: r.detail(Detail{Left: L, Right: R, Pair: pair, Cap: pr.WeeklyCap, Flushed: flushed})})
			}
			L -= pair
			R -= pair
		}
		o.CarryLeft, o.CarryRight = min(L, cfg.CarryCap), min(R, cfg.CarryCap)
		if r.status[i] == StatusTerminated {
			o.CarryLeft, o.CarryRight = 0, 0 // §10: a terminated consultant's carry is zeroed
		}
	}
}

// matching is step 5: on the sponsor tree, without compression, each active sponsor-ancestor
// whose rank reaches the generation earns its rate on a downline binary line, one line each.
func (r *payoutRun) matching() {
	cfg := r.cfg
	maxGen := 0
	for _, rr := range cfg.Ranks {
		maxGen = max(maxGen, rr.MatchingGenerations)
	}
	for d := 0; d < r.n; d++ {
		r.pause(d)
		if r.binary[d] == 0 {
			continue
		}
		a := r.sponsor[d]
		for g := 1; g <= maxGen && a != none; g, a = g+1, r.sponsor[a] {
			if !r.out[a].Active || cfg.Ranks[r.rankIdx[a]].MatchingGenerations < g {
				continue
			}
			rate := cfg.MatchRates[g-1]
			if amt := mulRateRound(r.binary[d], rate); amt != 0 {
				r.emit(line{member: a, typ: LineMatching, amount: amt, srcKind: srcMember, src: int32(d), gen: uint8(g), base: r.binary[d], rate: int32(rate)})
			}
		}
	}
}

// compression prepares step 6: each member's nearest active sponsor-ancestor, so a revenue-share
// walk takes at most len(RSRates) steps however many inactive members it skips.
func (r *payoutRun) compression() {
	n := r.n
	// The result's too (runContext), so from the scratch only as the ids are (members).
	if r.scr.ReuseResults && r.in.SumsOnly {
		r.active = r.scr.bools.take(n)
	} else {
		r.active = make([]bool, n)
	}
	for i := range r.out {
		r.pause(i)
		r.active[i] = r.out[i].Active
	}
	r.nextActive = r.scr.i32.take(n)
	r.spDepth = r.scr.i32.take(n)
	for k, v := range r.spOrder {
		r.pause(k)
		s := r.sponsor[v]
		if s == none {
			r.nextActive[v] = none
			continue
		}
		r.spDepth[v] = r.spDepth[s] + 1
		if r.active[s] {
			r.nextActive[v] = s
		} else {
			r.nextActive[v] = r.nextActive[s]
		}
	}
	r.ctx = &runContext{ids: r.ids, index: r.index, sponsor: r.sponsor, active: r.active}
}

// firstEarner is the first revenue-share earner above S: S's sponsor if active, else the
// nearest active member above it.
func (r *payoutRun) firstEarner(s int32) int32 {
	if s == none || r.sponsor[s] == none {
		return none
	}
	if e := r.sponsor[s]; r.active[e] {
		return e
	}
	return r.nextActive[r.sponsor[s]]
}

// reserveLines counts the lines the sale steps, the pool and the clawbacks will write, exactly,
// and grows the line slice once to hold them.
func (r *payoutRun) reserveLines() {
	cfg := r.cfg
	for i := 0; i < r.n; i++ {
		r.pause(i)
		if r.active[i] {
			r.totalShares += cfg.Ranks[r.rankIdx[i]].PoolShares
		}
	}
	if r.sums != nil {
		return // only totals are kept (Input.SumsOnly): no lines to reserve
	}
	bulk := 0
	for _, a := range r.accounted {
		sl := a.sale
		switch sl.Kind {
		case SalePack, SaleUpgrade:
			if sp := r.sponsor[a.m]; sp != none && r.earns(sp) && sl.Price > 0 && mulRateRound(sl.Price, cfg.Rule(r.plan[sp]).DirectRate) != 0 {
				bulk++
			}
		case SaleActivation:
			if sl.Retail != 0 && a.s != none && r.earns(a.s) {
				bulk++
			}
			if sl.CV <= 0 {
				continue
			}
			e := r.firstEarner(a.s)
			for g := 1; g <= len(cfg.RSRates) && e != none; g, e = g+1, r.nextActive[e] {
				if g <= cfg.Rule(r.plan[e]).RSGenerations && mulRateRound(sl.CV, cfg.RSRates[g-1]) != 0 {
					bulk++
				}
			}
		}
	}
	for i := 0; i < r.n; i++ {
		if r.active[i] && cfg.Ranks[r.rankIdx[i]].PoolShares > 0 {
			bulk++
		}
	}
	for _, c := range r.claws {
		bulk += len(c.Paid)
	}
	for _, f := range r.refundClaws {
		bulk += len(f.Paid)
	}
	r.lines = append(make([]line, 0, len(r.lines)+bulk), r.lines...)
}

// initVendors starts the totals by vendor: activation lines and their clawbacks under the
// activation's vendor, all other lines plan-wide (slot 0).
func (r *payoutRun) initVendors() {
	r.vendorIdx = map[string]int{"": 0}
	r.vendors = []string{""}
	r.vendorSum = []Units{0}
}

func (r *payoutRun) vendorSlot(v string) int {
	vi, ok := r.vendorIdx[v]
	if !ok {
		vi = len(r.vendors)
		r.vendorIdx[v] = vi
		r.vendors = append(r.vendors, v)
		r.vendorSum = append(r.vendorSum, 0)
	}
	return vi
}

// saleLines writes each accounted sale's lines in sale order: a pack or upgrade pays the direct
// bonus (step 7); an activation pays retail (step 8), then revenue share (step 6).
func (r *payoutRun) saleLines() {
	if r.sums != nil {
		r.saleSums()
		return
	}
	r.eachSaleLines()
}

func (r *payoutRun) eachSaleLines() {
	for _, a := range r.accounted {
		switch a.sale.Kind {
		case SalePack, SaleUpgrade:
			r.direct(a)
		case SaleActivation:
			vi := r.vendorSlot(a.sale.Vendor)
			r.retail(a, vi)
			r.revenueShare(a, vi)
		}
	}
}

// sumsRow is what the accounted activations of one attributed consultant S earn, totalled
// (Input.SumsOnly): retail for S (step 8) and revenue share per generation (step 6), with the
// earner of each generation, none where nobody is paid.
type sumsRow struct {
	earner  [8]int32
	rs      [8]Units
	rsN     [8]int32
	retail  Units
	retailN int32
}

// activation is an accounted activation as saleSums reads it: its attributed consultant S
// (§3), its vendor's slot, and what it pays on.
type activation struct {
	s, vendor  int32
	cv, retail Units
}

// attributed is what sortByS orders by: an attributed consultant S.
type attributed interface{ attributed() int32 }

func (a activation) attributed() int32 { return a.s }

// saleSums is saleLines when only totals are kept (Input.SumsOnly, the earnings projection):
// the same lines, totalled. Who earns a retail or revenue-share line depends only on S, and its
// amount only on the sale, so the activations are taken in S's order (sortByS): the compressed
// sponsor line above each S is walked once, however many activations S has, and S's row is
// one in hand while they are added. Taken in sale order, each activation missed the cache on
// its consultant's row (issue #19: 40 % of the projection's engine at 1M consultants). Sums of
// integers do not depend on the order they are added in, so the totals are exactly the lines'
// (TestSumsOnlyRunEqualsTheFullRun).
func (r *payoutRun) saleSums() {
	if !r.sumsByS {
		r.eachSaleLines() // a plan deeper than the row: line by line, totalled by emit
		return
	}
	for _, a := range r.accounted {
		r.direct(a) // packs and upgrades: the activations are in r.acts, or the memo's totals
	}
	if r.memo {
		r.memoSums()
		return
	}
	rates := r.cfg.RSRates
	acts := sortByS(r.acts, r.scr.acts.take(len(r.acts)), r.n, r.offer)
	for i, k := 0, 0; i < len(acts); k++ {
		r.pause(k)
		s := acts[i].s
		w := r.sumsRow(s)
		earns := r.earns(s)
		for ; i < len(acts) && acts[i].s == s; i++ {
			a := &acts[i]
			if a.retail != 0 && earns {
				w.retail += a.retail
				w.retailN++
				r.vendorSum[a.vendor] += a.retail
			}
			if a.cv <= 0 {
				continue
			}
			for g, rate := range rates {
				if w.earner[g] == none {
					continue
				}
				if amt := mulRateRound(a.cv, rate); amt != 0 {
					w.rs[g] += amt
					w.rsN[g]++
					r.vendorSum[a.vendor] += amt
				}
			}
		}
		r.pay(s, &w)
	}
}

// pauseEvery is how many elements (members, sales, sums) a step's pass takes between two calls
// of Input.Between: at most about 5 ms of one core at 1M consultants (make bench-projection),
// where a whole step took 30–240 ms. A power of two, so the test per element is a mask, not a
// division.
var pauseEvery = 1 << 12

// pause calls Input.Between at every pauseEvery-th element (k counts them) of a step's pass.
// A payout run, which sets no Between, tests nothing more. It is called at every element of
// every pass, some twenty million times an update at 1M consultants, so it is kept small
// enough to be inlined (offer is not): as a call it took 5 % of an update (issue #19).
func (r *payoutRun) pause(k int) {
	if k&(pauseEvery-1) == 0 && k > 0 {
		r.offer()
	}
}

// offer calls Input.Between, if set.
//
//go:noinline
func (r *payoutRun) offer() {
	if r.in.Between != nil {
		r.in.Between()
	}
}

// pay adds S's row: S's retail and each generation's revenue share, as many lines as it totals.
func (r *payoutRun) pay(s int32, w *sumsRow) {
	add := func(m int32, typ LineType, amt Units, n int32) {
		r.memberTotal[m] += amt
		ms := &r.sums[m]
		ms.byType[typ] += amt
		ms.lines += n
		r.nLines += int(n)
	}
	if w.retailN > 0 {
		add(s, LineRetail, w.retail, w.retailN)
	}
	for g, e := range w.earner {
		if e != none && w.rsN[g] > 0 {
			add(e, LineRevenueShare, w.rs[g], w.rsN[g])
		}
	}
}

// sortByS orders acts by S, n bounding S, with a least-significant-digit radix sort through
// tmp (as long as acts): two passes over 2.4 million activations at 1M consultants, each a
// sequential read and 2,048 sequential writes, where a comparison sort or a scatter by S
// misses the cache at almost every activation. It returns whichever of the two holds them.
// pause, when not nil, is called every pauseEvery activations of each pass (payoutRun.offer).
func sortByS[T attributed](acts, tmp []T, n int, pause func()) []T {
	const digit = 11
	var at [1 << digit]int
	for shift := 0; shift < bits.Len32(uint32(n)); shift += digit {
		clear(at[:])
		for i := range acts {
			if pause != nil && i > 0 && i&(pauseEvery-1) == 0 {
				pause()
			}
			at[acts[i].attributed()>>shift&(1<<digit-1)]++
		}
		pos := 0
		for d, c := range at {
			at[d] = pos
			pos += c
		}
		for i := range acts {
			if pause != nil && i > 0 && i&(pauseEvery-1) == 0 {
				pause()
			}
			d := acts[i].attributed() >> shift & (1<<digit - 1)
			tmp[at[d]] = acts[i]
			at[d]++
		}
		acts, tmp = tmp, acts
	}
	return acts
}

// sumsRow walks up the compressed sponsor line from S once (step 6): generation g's earner is
// paid if its plan reaches g; a generation its plan does not reach is used up all the same.
func (r *payoutRun) sumsRow(s int32) sumsRow {
	var w sumsRow
	for g := range w.earner {
		w.earner[g] = none
	}
	e := r.firstEarner(s)
	for g := 1; g <= len(r.cfg.RSRates) && e != none; g, e = g+1, r.nextActive[e] {
		if g <= r.cfg.Rule(r.plan[e]).RSGenerations {
			w.earner[g-1] = e
		}
	}
	return w
}

// direct is step 7: the buyer's sponsor earns its plan's direct rate (as of the period end) on
// the pack or upgrade price.
func (r *payoutRun) direct(a accountedSale) {
	sl := a.sale
	sp := r.sponsor[a.m]
	if sp == none || !r.earns(sp) || sl.Price <= 0 {
		return
	}
	rate := r.cfg.Rule(r.plan[sp]).DirectRate
	if amt := mulRateRound(sl.Price, rate); amt != 0 {
		r.emit(line{member: sp, typ: LineDirect, amount: amt, srcKind: srcSale, src: a.idx, base: sl.Price, rate: int32(rate)})
		r.vendorSum[0] += amt
	}
}

// earns is §10 for the lines that need no activity (steps 7 and 8): a suspended or terminated
// consultant earns none, and nobody is paid in its place.
func (r *payoutRun) earns(i int32) bool { return r.status[i] == StatusActive }

// retail is step 8: S earns the product's flat retail commission.
func (r *payoutRun) retail(a accountedSale, vi int) {
	sl := a.sale
	if sl.Retail != 0 && a.s != none && r.earns(a.s) {
		r.emit(line{member: a.s, typ: LineRetail, amount: sl.Retail, srcKind: srcSale, src: a.idx, base: sl.Retail})
		r.vendorSum[vi] += sl.Retail
	}
}

// revenueShare is step 6: up the compressed sponsor line from S's sponsor, generation g's
// earner gets RSRates[g-1] of the CV if its plan reaches that generation; a generation its
// plan does not reach is used up all the same.
func (r *payoutRun) revenueShare(a accountedSale, vi int) {
	cfg, sl := r.cfg, a.sale
	if sl.CV <= 0 {
		return
	}
	e := r.firstEarner(a.s)
	if e == none {
		return
	}
	below := r.spDepth[a.s]
	noted := false
	for g := 1; g <= len(cfg.RSRates) && e != none; g, e = g+1, r.nextActive[e] {
		skipped := below - r.spDepth[e] - 1
		below = r.spDepth[e]
		if g > cfg.Rule(r.plan[e]).RSGenerations {
			continue
		}
		rate := cfg.RSRates[g-1]
		if amt := mulRateRound(sl.CV, rate); amt != 0 {
			if skipped > 0 && !noted {
				r.ctx.skipped, noted = append(r.ctx.skipped, skippedSale{sale: a.idx, s: a.s}), true
			}
			r.emit(line{member: e, typ: LineRevenueShare, amount: amt, srcKind: srcSale, src: a.idx, gen: uint8(g), base: sl.CV, rate: int32(rate), skipped: skipped})
			r.vendorSum[vi] += amt
		}
	}
}

// leadershipPool is step 9: PoolRate of the run's sales BV, split in equal shares among active
// consultants by their rank's shares; the share is rounded down to the cent and the remainder
// is not paid.
func (r *payoutRun) leadershipPool() {
	cfg := r.cfg
	pool := Units(mulDiv(int64(r.salesBV), int64(cfg.PoolRate), rateScale, false))
	if r.totalShares == 0 || r.salesBV <= 0 {
		return
	}
	share := Units(mulDiv(int64(r.salesBV), int64(cfg.PoolRate), rateScale*int64(r.totalShares), false))
	exact := r.salesBV.Decimal().Mul(cfg.PoolRate.Decimal()).String()
	for i := 0; i < r.n; i++ {
		r.pause(i)
		sh := cfg.Ranks[r.rankIdx[i]].PoolShares
		if !r.active[i] || sh == 0 {
			continue
		}
		if amt := Units(sh) * share; amt != 0 {
			r.emit(line{member: int32(i), typ: LinePool, amount: amt, base: pool,
				extra: r.detail(Detail{Pool: pool, PoolExact: exact, Shares: sh, TotalShares: r.totalShares, ShareValue: share})})
		}
	}
}

// clawbacks is step 10: a cancelled activation that a committed run accounted reverses every
// retail and revenue-share line paid for it; a refunded pack or upgrade likewise its direct lines.
func (r *payoutRun) clawbacks() error {
	for _, c := range r.claws {
		for _, p := range c.Paid {
			if p.Type != LineRetail && p.Type != LineRevenueShare {
				continue
			}
			mi, known := r.lookup(p.Member)
			if !known {
				return inputErr("cancellation %s: paid line %s belongs to %s, who is not a member of this run", c.ID, p.ID, p.Member)
			}
			r.revs = append(r.revs, revRef{source: c.Activation, vendor: c.Vendor, paid: p})
			r.emit(line{member: mi, typ: p.Type, amount: -p.Amount, srcKind: srcClaw, src: int32(len(r.revs) - 1), gen: uint8(p.Generation), base: p.Amount})
			r.vendorSum[r.vendorSlot(c.Vendor)] -= p.Amount
		}
	}
	// §11: a refund of a sale a committed run paid reverses every direct line paid for it; the
	// reversal applies to its member whatever its status (§10). Volume, ranks and binary stay.
	for _, f := range r.refundClaws {
		for _, p := range f.Paid {
			if p.Type != LineDirect {
				continue
			}
			mi, known := r.lookup(p.Member)
			if !known {
				return inputErr("refund %s: paid line %s belongs to %s, who is not a member of this run", f.ID, p.ID, p.Member)
			}
			r.revs = append(r.revs, revRef{source: f.Sale, paid: p})
			r.emit(line{member: mi, typ: p.Type, amount: -p.Amount, srcKind: srcClaw, src: int32(len(r.revs) - 1), base: p.Amount})
			r.vendorSum[0] -= p.Amount
		}
	}
	return nil
}

// result totals the lines by type and by vendor (lines not about an activation are plan-wide,
// vendor "") and lists every consultant's end state.
func (r *payoutRun) result() *Result {
	res := r.res
	t := Totals{ByType: map[string]Units{}, ByVendor: map[string]Units{}, SalesBV: r.salesBV, SalesValue: r.salesValue, Lines: len(r.lines) + r.nLines}
	var byType [len(lineTypeNames)]Units
	for i := range r.lines {
		byType[r.lines[i].typ] += r.lines[i].amount
	}
	for m := range r.sums {
		r.pause(m)
		for typ, a := range r.sums[m].byType {
			byType[typ] += a
		}
	}
	for typ, a := range byType {
		t.Total += a
		switch LineType(typ) {
		case LineRank, LineBinary, LineMatching, LinePool:
			r.vendorSum[0] += a
		}
	}
	for _, lt := range LineTypes {
		if byType[lt] != 0 {
			t.ByType[lt.String()] = byType[lt]
		}
	}
	for i, v := range r.vendors {
		if r.vendorSum[i] != 0 || i > 0 {
			t.ByVendor[v] = r.vendorSum[i]
		}
	}
	if r.salesValue > 0 {
		t.PayoutRatio = Rate(mulDiv(int64(t.Total), rateScale, int64(r.salesValue), false))
	}
	res.lines, res.sums = r.lines, r.sums
	res.Totals = t
	res.ctx = r.ctx
	// The result keeps only what its lines name of each sale: a million-member run's sales are
	// most of its input, and the caller can free them once the run is done (issue #19).
	// A sums-only run has no lines to name them.
	if r.sums == nil {
		res.sales = make([]saleSource, len(r.sales))
		for k, sl := range r.sales {
			res.sales[k].id, res.sales[k].ref = sl.ID, sl.Ref
			if sl.Kind == SaleActivation {
				res.sales[k].vendor = sl.Vendor
			}
		}
	}
	res.details = r.details
	res.revs = r.revs
	res.ranks = r.cfg.Ranks
	// The consultants' results are gathered in place: a copy would be a second million.
	res.Members = r.out[:0]
	if r.scr.ReuseResults {
		res.memberAt = r.scr.i32.empty(r.consultants)
	} else {
		res.memberAt = make([]int32, 0, r.consultants)
	}
	for i := 0; i < r.n; i++ {
		r.pause(i)
		if r.plan[i].IsConsultant() {
			res.memberAt = append(res.memberAt, int32(i))
			r.out[i].Total = r.memberTotal[i]
			if s := r.sponsor[i]; s != none {
				r.out[i].Sponsor = r.ids[s]
			}
			res.Members = append(res.Members, r.out[i])
		}
	}
	return res
}

// Compressed lists the inactive members a revenue-share line skipped below its earner
// (PLAN.md §4 step 6). It walks on demand, for statements; the run itself never does.
func (r *Result) Compressed(l Line) []string {
	if l.Type != LineRevenueShare || l.Basis.Skipped == 0 || r.ctx == nil {
		return nil
	}
	k, found := slices.BinarySearchFunc(r.sales, l.Source, func(x saleSource, id string) int { return strings.Compare(x.id, id) })
	e, ok := r.ctx.index.find(l.Member)
	if !found || !ok {
		return nil
	}
	return r.compressed(int32(k), e)
}

// CompressedAt is Compressed(Line(i)) without looking up its sale and member by id: a
// statement at 1M asks for millions of lines, and the lookups by id were an eighth of halod's
// CPU while a draft was written (issue #19).
func (r *Result) CompressedAt(i int) []string {
	c := &r.lines[i]
	if c.typ != LineRevenueShare || c.skipped == 0 || c.srcKind != srcSale || r.ctx == nil {
		return nil
	}
	return r.compressed(c.src, c.member)
}

// compressed walks up from sale k's attributed consultant S to the earner e, keeping the
// inactive members above the last active one.
func (r *Result) compressed(k, e int32) []string {
	r.ctx.saleOnce.Do(func() {
		r.ctx.saleS = make(map[int32]int32, len(r.ctx.skipped))
		for _, x := range r.ctx.skipped {
			r.ctx.saleS[x.sale] = x.s
		}
	})
	s, ok := r.ctx.saleS[k]
	if !ok {
		return nil
	}
	var path []string
	for v := r.ctx.sponsor[s]; v != none && v != e; v = r.ctx.sponsor[v] {
		if !r.ctx.active[v] {
			path = append(path, r.ctx.ids[v])
		} else {
			path = path[:0]
		}
	}
	return path
}

// idIndex finds a member's index among a run's members by id: one map, built when first needed
// and shared by the run and its result (statements ask for every member of a draft).
type idIndex struct {
	ids  []string
	once sync.Once
	m    map[string]int32
}

func (x *idIndex) find(id string) (int32, bool) {
	x.once.Do(func() {
		x.m = make(map[string]int32, len(x.ids))
		for i, s := range x.ids {
			x.m[s] = int32(i)
		}
	})
	k, ok := x.m[id]
	return k, ok
}
