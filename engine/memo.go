package engine

import (
	mathbits "math/bits"
	"slices"
	"strings"
	"time"
)

// SalesMemo carries what a sums-only run (Input.SumsOnly) made of the sales to the next run over
// the same open period, so that run reads only the sales that arrived since: the earnings
// projection reran the engine over every sale of the period after every few accepted events,
// and taking each sale's member and totals was most of an update at 1M consultants and 2.4M
// sales (issue #19).
//
// What it keeps does not depend on anything a later run may see differently: each activation's
// PV (§3) and what it pays on (retail, step 8; revenue share at each generation's rate, step 6)
// are totalled by the member it was sold to and its vendor. Who is paid those totals, its
// attributed consultant S and the compressed sponsor line above S, is decided at every run from
// that run's members, plans and statuses, exactly as for one sale at a time: the sums of the
// rounded amounts are the sums of the lines. Packs and upgrades, few, are taken again at every
// run, as are activations whose member is not in the run yet.
//
// A memo is valid for Input.Sales and Input.Members that only grow at the end, each earlier
// element the same as when the memo last saw it (the projection's kept snapshot: rows are
// accepted once and never change). A run checks what it cheaply can (the period, the plan,
// sampled ids, that no sale it left out as voided came back) and otherwise starts the memo
// again from the whole input. The zero value is an empty memo; after a run that fails, the
// next starts it again. Like Scratch, one run at a time.
type SalesMemo struct {
	ok           bool
	cfg          *Config
	end, cutover time.Time
	// horizon bounds the later ends the totals hold for unchanged: the earliest end past which
	// a counted activation enters the run (its occurred_at or its hold, §9) or leaves the
	// activity window (§5); zero when none does. Before the first commit the open period ends
	// now, so the end moves at every update.
	horizon      time.Time
	nSales       int      // Input.Sales[:nSales] are covered
	nMembers     int      // Input.Members[:nMembers] were known
	probeSales   []string // sampled ids of the covered sales (probeAt)
	probeMembers []string

	byID    []int32  // the covered sales' positions in id order (a sale listed twice is refused)
	counted []uint64 // a bit per sale position: its activation is in the totals below
	others  []int32  // covered sales taken again at every run: packs, upgrades, activations waiting for their member
	voided  []string // what was voided when last run, sorted
	spare   []string // the array voided was in before: the next run's list goes there

	pv    []volumes // by member position: its activations' PV
	first []int32   // by member position: its first saleTotals in aggs, none
	aggs  []saleTotals
	zeros map[int32]*[8]int32 // by index in aggs: per generation, activations whose share rounds to 0

	vendors             []string
	vendorIdx           map[string]int32
	vendorN             []int64 // accounted activations per vendor
	slot                []int   // vendor → the run's vendorSlot
	salesBV, salesValue Units
	read                int // sales new to the memo in its last run
}

// Read is how many of the input's sales the last run with the memo read as new: those added
// since the run before, or all when it started again.
func (mo *SalesMemo) Read() int { return mo.read }

// saleTotals is what the accounted activations of one member with one vendor pay on, in 96
// bytes. Generation g's revenue share has n lines but for the few whose amount rounds to
// nothing (zeros).
type saleTotals struct {
	p, vendor, next int32 // member position, vendor, the member's next vendor
	retailN, n      int32 // activations with a retail commission, with CV
	zeros           bool
	retail          Units
	rs              [8]Units
}

// sumsRef is a memo's totals (k, in aggs) with their attributed consultant S in this run.
type sumsRef struct{ s, k int32 }

func (x sumsRef) attributed() int32 { return x.s }

const probes = 64

func probeAt(n, k int) int { return (n - 1) * k / (probes - 1) }

// fits says whether the memo still describes the start of the input.
func (mo *SalesMemo) fits(r *payoutRun, voided []string) bool {
	in := r.in
	// A later end is followed (move); an earlier one, or one outside UTC (whose window's days
	// are not all 24 hours), starts again.
	later := in.End.After(mo.end) && in.End.Location() == time.UTC && mo.end.Location() == time.UTC
	if !mo.ok || mo.cfg != r.cfg || !(mo.end.Equal(in.End) || later) || !mo.cutover.Equal(in.Cutover) ||
		len(in.Sales) < mo.nSales || len(in.Members) < mo.nMembers {
		return false
	}
	for k, id := range mo.probeSales {
		if in.Sales[probeAt(mo.nSales, k)].ID != id {
			return false
		}
	}
	for k, id := range mo.probeMembers {
		if in.Members[probeAt(mo.nMembers, k)].ID != id {
			return false
		}
	}
	// A voided sale stays voided; one that is not any more (another input) is in no total.
	j := 0
	for _, id := range mo.voided {
		for j < len(voided) && voided[j] < id {
			j++
		}
		if j == len(voided) || voided[j] != id {
			return false
		}
	}
	return true
}

func (mo *SalesMemo) reset(r *payoutRun) {
	*mo = SalesMemo{cfg: r.cfg, end: r.in.End, cutover: r.in.Cutover, vendorIdx: map[string]int32{},
		zeros: map[int32]*[8]int32{}, byID: mo.byID[:0]}
}

// accountSalesMemo is accountSales for a sums-only run with Input.Memo: the sales the memo
// covers are in its totals, the rest are taken one by one and added to them.
func (r *payoutRun) accountSalesMemo() error {
	in, mo := r.in, r.in.Memo
	voided := voidedIDs(r.voided, mo.spare)
	if !mo.fits(r, voided) {
		mo.reset(r)
	}
	mo.ok = false // until this run is through
	mo.move(r)
	period := r.period(in.End)

	// The new sales in id order, merged into the covered ones.
	fresh := make([]int32, 0, len(in.Sales)-mo.nSales)
	for p := mo.nSales; p < len(in.Sales); p++ {
		fresh = append(fresh, int32(p))
	}
	id := func(p int32) string { return in.Sales[p].ID }
	sortByID(fresh, id, r.offer)
	mo.read = len(fresh)
	search := func(t string) (int, bool) {
		return slices.BinarySearchFunc(mo.byID, t, func(q int32, t string) int { return strings.Compare(id(q), t) })
	}
	for k, p := range fresh {
		if k > 0 && k&(mergePause-1) == 0 {
			r.offer() // each search misses the cache, as mergeTail's do
		}
		if _, twice := search(id(p)); twice || (k > 0 && id(fresh[k-1]) == id(p)) {
			return inputErr("sale %s: listed twice", id(p))
		}
	}
	k := len(mo.byID)
	mo.byID = append(mo.byID, fresh...)
	mergeTail(mo.byID, k, fresh, func(a, b int32) int { return strings.Compare(id(a), id(b)) }, r.offer)

	// Covered activations voided since (§6 cancellations, §11 refunds) leave the totals.
	j := 0
	for _, v := range voided {
		for j < len(mo.voided) && mo.voided[j] < v {
			j++
		}
		if j < len(mo.voided) && mo.voided[j] == v {
			continue
		}
		k, ok := search(v)
		if !ok {
			continue // a sale not in the input, or not yet
		}
		if p := int(mo.byID[k]); p < mo.nSales && mo.counted[p/64]&(1<<(p%64)) != 0 {
			sl := &in.Sales[p]
			pm, _, _ := r.memberPos(sl)
			mo.add(r, sl, pm, period, -1)
			mo.counted[p/64] &^= 1 << (p % 64)
		}
	}
	mo.voided, mo.spare = voided, mo.voided

	// The memo's arrays grow with the input.
	for len(mo.counted)*64 < len(in.Sales) {
		mo.counted = append(mo.counted, 0)
	}
	for len(mo.first) < len(in.Members) {
		mo.first = append(mo.first, none)
		mo.pv = append(mo.pv, volumes{})
	}

	// Packs, upgrades and waiting activations again, then the new sales.
	others := mo.others[:0]
	take := func(p int32) error {
		sl := &in.Sales[p]
		if r.voided[sl.ID] {
			return nil // a cancelled activation (§6) or a refunded sale (§11): never again in a total
		}
		pm, m, ok := r.memberPos(sl)
		if !ok {
			others = append(others, p) // its member does not exist yet in this run: the sale waits
			return nil
		}
		if sl.Kind == SaleActivation {
			mo.add(r, sl, pm, period, 1)
			mo.counted[p/64] |= 1 << (p % 64)
			mo.bound(r, sl, period)
			return nil
		}
		others = append(others, p)
		if !r.plan[m].IsConsultant() {
			return inputErr("sale %s: %s buys a pack but is not a consultant", sl.ID, sl.Member)
		}
		inRun, inWindow, accounts := r.counts(sl, period)
		if inWindow {
			r.pv[m].window += sl.BV
		}
		if !inRun || !accounts {
			return nil
		}
		r.accounted = append(r.accounted, accountedSale{sale: sl, idx: p, s: m, m: m})
		r.pv[m].accounted += sl.BV
		r.salesBV += sl.BV
		r.salesValue += sl.Price + sl.CV
		return nil
	}
	for k, p := range mo.others { // others is written no faster than mo.others is read
		r.pause(k)
		if err := take(p); err != nil {
			return err
		}
	}
	// After a whole reload every sale is new: 1.5 million taken here held a core for a second.
	for k, p := range fresh {
		r.pause(k)
		if err := take(p); err != nil {
			return err
		}
	}
	mo.others = others

	// The activations' totals go to this run's S (§3): the member itself if a consultant, else
	// its (effective, §10) sponsor.
	attributed := func(p int) int32 {
		m := r.at[p]
		if m == none || r.plan[m].IsConsultant() {
			return m
		}
		return r.sponsor[m]
	}
	for p, v := range mo.pv {
		r.pause(p)
		if v == (volumes{}) {
			continue
		}
		if s := attributed(p); s != none {
			r.pv[s].window += v.window
			r.pv[s].accounted += v.accounted
		}
	}
	r.salesBV += mo.salesBV
	r.salesValue += mo.salesValue
	mo.slot = mo.slot[:0]
	for v, name := range mo.vendors {
		mo.slot = append(mo.slot, 0)
		if mo.vendorN[v] > 0 {
			mo.slot[v] = r.vendorSlot(name)
		}
	}
	r.refs = r.scr.refs.empty(len(mo.aggs))
	for k := range mo.aggs {
		r.pause(k)
		if s := attributed(int(mo.aggs[k].p)); s != none {
			r.refs = append(r.refs, sumsRef{s: s, k: int32(k)})
		}
	}

	mo.nSales, mo.nMembers = len(in.Sales), len(in.Members)
	mo.probeSales, mo.probeMembers = mo.probeSales[:0], mo.probeMembers[:0]
	for k := 0; k < probes && mo.nSales > 0; k++ {
		mo.probeSales = append(mo.probeSales, in.Sales[probeAt(mo.nSales, k)].ID)
	}
	for k := 0; k < probes && mo.nMembers > 0; k++ {
		mo.probeMembers = append(mo.probeMembers, in.Members[probeAt(mo.nMembers, k)].ID)
	}
	mo.ok = true
	return nil
}

// memberPos is the member a sale names: its position in Input.Members and its index here.
func (r *payoutRun) memberPos(sl *Sale) (p, m int32, ok bool) {
	if h := sl.MemberAt; h > 0 && int(h) <= len(r.inIDs) && r.inIDs[h-1] == sl.Member {
		m = r.at[h-1]
		return h - 1, m, m != none
	}
	if m, ok = r.lookup(sl.Member); !ok {
		return 0, none, false
	}
	if r.pos == nil {
		r.pos = make([]int32, r.n)
		for p, k := range r.at {
			if k != none {
				r.pos[k] = int32(p)
			}
		}
	}
	return r.pos[m], m, true
}

// move brings the totals from the memo's end to the run's, a later one: the activations whose
// part changes in between are taken out as they were counted and put in again as they are now.
func (mo *SalesMemo) move(r *payoutRun) {
	end := r.in.End
	if !end.After(mo.end) {
		return
	}
	if !mo.horizon.IsZero() && end.After(mo.horizon) {
		old, now := r.period(mo.end), r.period(end)
		mo.horizon = time.Time{}
		for w, bits := range mo.counted {
			r.pause(w * 64) // every pauseEvery sales
			for ; bits != 0; bits &= bits - 1 {
				p := w*64 + mathbits.TrailingZeros64(bits)
				sl := &r.in.Sales[p]
				if at := mo.change(r, sl, old); !at.IsZero() && end.After(at) {
					pm, _, _ := r.memberPos(sl)
					mo.add(r, sl, pm, old, -1)
					mo.add(r, sl, pm, now, 1)
				}
				mo.bound(r, sl, now)
			}
		}
	}
	mo.end = end
}

// change is the end past which activation sl's part in the totals is no longer what it is for
// a run ending at end: it enters the run once the end is past its occurred_at and its hold (§9),
// and leaves the activity window once the window starts after it (§5); zero if neither is ahead.
func (mo *SalesMemo) change(r *payoutRun, sl *Sale, e ends) time.Time {
	in := sl.OccurredAt
	if sl.Kind == SaleActivation && sl.HoldDays > 0 && !sl.Accounted { // held until then (held)
		in = sl.OccurredAt.Add(time.Duration(sl.HoldDays) * 24 * time.Hour)
	}
	if !in.Before(e.end) {
		return in
	}
	if !sl.OccurredAt.Before(e.windowStart) {
		return sl.OccurredAt.Add(time.Duration(r.cfg.ActivityWindowDays) * 24 * time.Hour)
	}
	return time.Time{}
}

// bound lowers the horizon to sl's next change after e's end.
func (mo *SalesMemo) bound(r *payoutRun, sl *Sale, e ends) {
	if at := mo.change(r, sl, e); !at.IsZero() && (mo.horizon.IsZero() || at.Before(mo.horizon)) {
		mo.horizon = at
	}
}

// add puts activation sl of the member at position p into the totals (sign 1) or takes it out
// (-1) as a run of period e counts it (counts).
func (mo *SalesMemo) add(r *payoutRun, sl *Sale, p int32, e ends, sign int32) {
	u := Units(sign)
	inRun, inWindow, accounts := r.counts(sl, e)
	if inWindow {
		mo.pv[p].window += u * sl.BV
	}
	if !inRun || !accounts {
		return
	}
	mo.pv[p].accounted += u * sl.BV
	mo.salesBV += u * sl.BV
	mo.salesValue += u * (sl.Price + sl.CV)
	v, ok := mo.vendorIdx[sl.Vendor]
	if !ok {
		v = int32(len(mo.vendors))
		mo.vendorIdx[sl.Vendor] = v
		mo.vendors = append(mo.vendors, sl.Vendor)
		mo.vendorN = append(mo.vendorN, 0)
	}
	mo.vendorN[v] += int64(sign)
	k := mo.first[p]
	for k != none && mo.aggs[k].vendor != v {
		k = mo.aggs[k].next
	}
	if k == none {
		k = int32(len(mo.aggs))
		mo.aggs = append(mo.aggs, saleTotals{p: p, vendor: v, next: mo.first[p]})
		mo.first[p] = k
	}
	a := &mo.aggs[k]
	if sl.Retail != 0 {
		a.retail += u * sl.Retail
		a.retailN += sign
	}
	if sl.CV <= 0 {
		return
	}
	a.n += sign
	for g, rate := range r.cfg.RSRates {
		amt := mulRateRound(sl.CV, rate)
		if amt == 0 {
			z := mo.zeros[k]
			if z == nil {
				z = new([8]int32)
				mo.zeros[k], a.zeros = z, true
			}
			z[g] += sign
		}
		a.rs[g] += u * amt
	}
}

// memoSums is saleSums with a memo: for each S, the totals of its members' activations by
// vendor, where saleSums adds one activation at a time; the same sums (saleSums).
func (r *payoutRun) memoSums() {
	mo, rates := r.in.Memo, r.cfg.RSRates
	refs := sortByS(r.refs, r.scr.refs.take(len(r.refs)), r.n, r.offer)
	for i, k := 0, 0; i < len(refs); k++ {
		r.pause(k)
		s := refs[i].s
		w := r.sumsRow(s)
		earns := r.earns(s)
		for ; i < len(refs) && refs[i].s == s; i++ {
			a := &mo.aggs[refs[i].k]
			vs := mo.slot[a.vendor]
			if a.retailN != 0 && earns {
				w.retail += a.retail
				w.retailN += a.retailN
				r.vendorSum[vs] += a.retail
			}
			var zeros *[8]int32
			if a.zeros {
				zeros = mo.zeros[refs[i].k]
			}
			for g := range rates {
				n := a.n
				if zeros != nil {
					n -= zeros[g]
				}
				if w.earner[g] != none && n != 0 {
					w.rs[g] += a.rs[g]
					w.rsN[g] += n
					r.vendorSum[vs] += a.rs[g]
				}
			}
		}
		r.pay(s, &w)
	}
}
