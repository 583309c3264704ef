package engine

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// InputError is a snapshot that breaks a structural rule (unknown sponsor, slot taken, …).
type InputError struct{ Msg string }

func (e *InputError) Error() string { return e.Msg }

func inputErr(format string, a ...any) error { return &InputError{Msg: fmt.Sprintf(format, a...)} }

const none = int32(-1)

// runContext is what the run keeps to explain lines after the fact.
type runContext struct {
	ids     []string
	index   map[string]int32
	sponsor []int32
	active  []bool
	saleS   map[string]int32 // activation id -> attributed consultant, for Compressed
}

// Run computes one payout run over the snapshot (PLAN.md §4, steps 1–10). It is deterministic:
// the same snapshot gives the same result whatever the order of its slices. Time and memory
// are linear in members + sales; no walk depends on the depth of the placement tree.
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

	// ---- members that exist for this run (§2: registered before the period end), by id ----
	mem := make([]*Member, 0, len(in.Members))
	for i := range in.Members {
		if in.Members[i].RegisteredAt.Before(in.End) {
			mem = append(mem, &in.Members[i])
		}
	}
	if !slices.IsSortedFunc(mem, func(a, b *Member) int { return strings.Compare(a.ID, b.ID) }) {
		slices.SortFunc(mem, func(a, b *Member) int { return strings.Compare(a.ID, b.ID) })
	}
	n := len(mem)
	index := make(map[string]int32, n)
	ids := make([]string, n)
	for i, m := range mem {
		if _, dup := index[m.ID]; dup {
			return nil, inputErr("member %s: listed twice", m.ID)
		}
		index[m.ID] = int32(i)
		ids[i] = m.ID
	}
	plan := make([]Plan, n)
	sponsor := make([]int32, n)
	parent := make([]int32, n)
	left := make([]int32, n)
	right := make([]int32, n)
	for i := range left {
		left[i], right[i] = none, none
	}
	for i, m := range mem {
		plan[i] = m.Plan
		if m.Plan == PlanNone || m.Plan > PlanCustomer {
			return nil, inputErr("member %s: unknown plan", m.ID)
		}
		sponsor[i], parent[i] = none, none
		if m.Sponsor != "" {
			s, ok := index[m.Sponsor]
			if !ok {
				return nil, inputErr("member %s: sponsor %s does not exist at %s", m.ID, m.Sponsor, in.End.UTC().Format(time.RFC3339))
			}
			if !mem[s].Plan.IsConsultant() {
				return nil, inputErr("member %s: sponsor %s is not a consultant", m.ID, m.Sponsor)
			}
			sponsor[i] = s
		}
		if m.Plan == PlanCustomer {
			if m.Parent != "" {
				return nil, inputErr("member %s: customers are not placed", m.ID)
			}
			if m.Sponsor == "" {
				return nil, inputErr("member %s: a customer needs a sponsor", m.ID)
			}
			continue
		}
		if m.Parent == "" {
			if m.Sponsor != "" {
				return nil, inputErr("member %s: a consultant other than the root needs a placement parent", m.ID)
			}
			continue
		}
		p, ok := index[m.Parent]
		if !ok {
			return nil, inputErr("member %s: placement parent %s does not exist", m.ID, m.Parent)
		}
		if !mem[p].Plan.IsConsultant() {
			return nil, inputErr("member %s: placement parent %s is not a consultant", m.ID, m.Parent)
		}
		parent[i] = p
		slot := &left[p]
		if m.Leg == LegRight {
			slot = &right[p]
		} else if m.Leg != LegLeft {
			return nil, inputErr("member %s: leg must be left or right", m.ID)
		}
		if *slot != none {
			return nil, inputErr("member %s: the %s slot of %s is taken by %s", m.ID, m.Leg, m.Parent, ids[*slot])
		}
		*slot = int32(i)
	}

	// ---- placement tree: iterative pre-order (no recursion: chains can be 100,000 deep) ----
	// tin/size give Euler intervals: v is in u's subtree iff tin[u] <= tin[v] < tin[u]+size[u].
	tin := make([]int32, n)
	size := make([]int32, n)
	pre := make([]int32, 0, n)
	stack := make([]int32, 0, 64)
	for i := 0; i < n; i++ {
		if parent[i] != none || !plan[i].IsConsultant() {
			continue
		}
		stack = append(stack[:0], int32(i))
		for len(stack) > 0 {
			v := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			tin[v] = int32(len(pre))
			pre = append(pre, v)
			if right[v] != none {
				stack = append(stack, right[v])
			}
			if left[v] != none {
				stack = append(stack, left[v])
			}
		}
	}
	consultants := 0
	for i := 0; i < n; i++ {
		if plan[i].IsConsultant() {
			consultants++
		}
	}
	if len(pre) != consultants {
		return nil, inputErr("placement tree has a cycle")
	}
	for k := len(pre) - 1; k >= 0; k-- {
		v := pre[k]
		size[v]++
		if p := parent[v]; p != none {
			size[p] += size[v]
		}
	}

	// ---- sponsor tree: breadth-first order, sponsors before the members they enrolled ----
	spHead := make([]int32, n)
	spNext := make([]int32, n)
	for i := range spHead {
		spHead[i] = none
	}
	for i := n - 1; i >= 0; i-- {
		if s := sponsor[i]; s != none {
			spNext[i] = spHead[s]
			spHead[s] = int32(i)
		}
	}
	spOrder := make([]int32, 0, n)
	for i := 0; i < n; i++ {
		if sponsor[i] == none {
			spOrder = append(spOrder, int32(i))
		}
	}
	for k := 0; k < len(spOrder); k++ {
		for c := spHead[spOrder[k]]; c != none; c = spNext[c] {
			spOrder = append(spOrder, c)
		}
	}
	if len(spOrder) != n {
		return nil, inputErr("sponsor tree has a cycle")
	}

	// ---- cancellations accounted by this run: void or clawback (§6, step 10) ----
	res := &Result{}
	voided := map[string]bool{}
	var claws []*Cancellation
	cancels := make([]*Cancellation, 0, len(in.Cancellations))
	for i := range in.Cancellations {
		if in.Cancellations[i].OccurredAt.Before(in.End) {
			cancels = append(cancels, &in.Cancellations[i])
		}
	}
	slices.SortFunc(cancels, func(a, b *Cancellation) int { return strings.Compare(a.ID, b.ID) })
	for _, c := range cancels {
		if c.ActivationAccounted {
			claws = append(claws, c)
			res.Clawed = append(res.Clawed, c.ID)
		} else {
			voided[c.Activation] = true
			res.Voided = append(res.Voided, c.ID)
			res.VoidedActivations = append(res.VoidedActivations, c.Activation)
		}
	}

	// ---- sales: window PV (§3) and the volume this run accounts (step 1) ----
	sales := make([]*Sale, 0, len(in.Sales))
	for i := range in.Sales {
		sales = append(sales, &in.Sales[i])
	}
	if !slices.IsSortedFunc(sales, func(a, b *Sale) int { return strings.Compare(a.ID, b.ID) }) {
		slices.SortFunc(sales, func(a, b *Sale) int { return strings.Compare(a.ID, b.ID) })
	}
	windowStart := in.End.AddDate(0, 0, -cfg.ActivityWindowDays)
	pv := make([]Units, n)
	newPV := make([]Units, n)
	type acc struct {
		sale *Sale
		idx  int32 // index in sales (the line source)
		s    int32 // attributed consultant S
		m    int32 // buyer or activated member
	}
	accounted := make([]acc, 0, len(sales))
	var salesBV, salesValue Units
	for k, sl := range sales {
		if k > 0 && sales[k-1].ID == sl.ID {
			return nil, inputErr("sale %s: listed twice", sl.ID)
		}
		if sl.Kind == SaleActivation && voided[sl.ID] {
			continue
		}
		m, ok := index[sl.Member]
		if !ok {
			continue // its member does not exist yet in this run: the sale waits
		}
		s := m
		if sl.Kind == SaleActivation && !plan[m].IsConsultant() {
			s = sponsor[m]
		} else if !plan[m].IsConsultant() {
			return nil, inputErr("sale %s: %s buys a pack but is not a consultant", sl.ID, sl.Member)
		}
		if !sl.OccurredAt.Before(in.End) {
			continue
		}
		if !sl.OccurredAt.Before(windowStart) {
			pv[s] += sl.BV
		}
		if sl.Accounted || (!in.Cutover.IsZero() && sl.OccurredAt.Before(in.Cutover)) {
			continue
		}
		accounted = append(accounted, acc{sale: sl, idx: int32(k), s: s, m: m})
		newPV[s] += sl.BV
		salesBV += sl.BV
		salesValue += sl.Price + sl.CV
	}
	res.AccountedSales = make([]string, len(accounted))
	for k, a := range accounted {
		res.AccountedSales[k] = a.sale.ID
	}

	// Step 1: leg volume, bottom-up in one pass over the reversed pre-order.
	sub := make([]Units, n)
	for k := len(pre) - 1; k >= 0; k-- {
		v := pre[k]
		sub[v] += newPV[v]
		if p := parent[v]; p != none {
			sub[p] += sub[v]
		}
	}
	prevIdx := make([]int, n)
	st := make([]State, n)
	for i := range st {
		st[i].Member = ids[i]
	}
	for _, p := range in.Prev {
		i, ok := index[p.Member]
		if !ok {
			continue // not in this run (registered later than the period end)
		}
		ri, err := cfg.RankIndex(p.Rank)
		if err != nil {
			return nil, inputErr("previous state of %s: %v", p.Member, err)
		}
		st[i] = p
		prevIdx[i] = ri
	}
	out := make([]MemberResult, n)
	for i := 0; i < n; i++ {
		o := &out[i]
		o.State = st[i]
		o.Plan = plan[i]
		if l := left[i]; l != none {
			o.NewLeft = sub[l]
			o.LeftMembers = size[l]
		}
		if r := right[i]; r != none {
			o.NewRight = sub[r]
			o.RightMembers = size[r]
		}
		o.LifetimeLeft += o.NewLeft
		o.LifetimeRight += o.NewRight
		o.PersonalVolume = pv[i]
		// Step 2: activity (§3).
		o.Active = plan[i].IsConsultant() && pv[i] >= cfg.ActivityMinPV
	}

	// Sponsored actives, and whether one sits in each placement leg (Euler intervals, O(1)).
	hasL := make([]bool, n)
	hasR := make([]bool, n)
	inSub := func(u, v int32) bool { return u != none && tin[u] <= tin[v] && tin[v] < tin[u]+size[u] }
	for i := 0; i < n; i++ {
		s := sponsor[i]
		if s == none || !out[i].Active {
			continue
		}
		out[s].SponsoredActives++
		if inSub(left[s], int32(i)) {
			hasL[s] = true
		} else if inSub(right[s], int32(i)) {
			hasR[s] = true
		}
	}

	// Rank, binary and matching lines (at most a few per consultant) are collected first; the
	// bulk (revenue share, retail, direct, pool, clawbacks) is counted before it is written, so
	// the line slice is allocated once at its exact size.
	lines := make([]line, 0, n/8+16)
	var details []Detail
	var revs []revRef
	mtotal := make([]Units, n)
	emit := func(l line) {
		lines = append(lines, l)
		mtotal[l.member] += l.amount
	}
	detail := func(d Detail) int32 {
		details = append(details, d)
		return int32(len(details))
	}
	rankIdx := make([]int, n)
	// Step 3: rank advancement; a bonus line for each rank passed.
	for i := 0; i < n; i++ {
		rankIdx[i] = prevIdx[i]
		o := &out[i]
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
		for k := prevIdx[i] + 1; k <= best; k++ {
			rr := cfg.Ranks[k]
			emit(line{member: int32(i), typ: LineRank, amount: rr.Bonus, srcKind: srcRank, src: int32(k), base: rr.Bonus})
		}
		if best > prevIdx[i] {
			rankIdx[i] = best
		}
	}
	for i := range out {
		out[i].Rank = cfg.Ranks[rankIdx[i]].Name
	}

	// Step 4: binary with the weekly cap and flush, then the carry cap.
	binary := make([]Units, n)
	for i := 0; i < n; i++ {
		o := &out[i]
		if !plan[i].IsConsultant() {
			continue
		}
		L, R := o.CarryLeft+o.NewLeft, o.CarryRight+o.NewRight
		pr := cfg.Rule(plan[i])
		if o.Active && pr.BinaryRate > 0 && hasL[i] && hasR[i] {
			pair := min(L, R)
			exact := mulDiv(int64(pair), int64(pr.BinaryRate), rateScale, false)
			amt := mulRateRound(pair, pr.BinaryRate)
			flushed := Units(0)
			if Units(exact) > pr.WeeklyCap || amt > pr.WeeklyCap {
				flushed = mulRateRound(pair, pr.BinaryRate) - pr.WeeklyCap
				amt = pr.WeeklyCap
			}
			if amt != 0 {
				binary[i] = amt
				emit(line{member: int32(i), typ: LineBinary, amount: amt, base: pair, rate: int32(pr.BinaryRate),
					extra: detail(Detail{Left: L, Right: R, Pair: pair, Cap: pr.WeeklyCap, Flushed: flushed})})
			}
			L -= pair
			R -= pair
		}
		o.CarryLeft, o.CarryRight = min(L, cfg.CarryCap), min(R, cfg.CarryCap)
	}

	// Step 5: matching on the sponsor tree, no compression, one line per downline binary line.
	maxGen := 0
	for _, rr := range cfg.Ranks {
		maxGen = max(maxGen, rr.MatchingGenerations)
	}
	for d := 0; d < n; d++ {
		if binary[d] == 0 {
			continue
		}
		a := sponsor[d]
		for g := 1; g <= maxGen && a != none; g, a = g+1, sponsor[a] {
			if !out[a].Active || cfg.Ranks[rankIdx[a]].MatchingGenerations < g {
				continue
			}
			rate := cfg.MatchRates[g-1]
			if amt := mulRateRound(binary[d], rate); amt != 0 {
				emit(line{member: a, typ: LineMatching, amount: amt, srcKind: srcMember, src: int32(d), gen: uint8(g), base: binary[d], rate: int32(rate)})
			}
		}
	}

	// Step 6 prerequisite: nearest active sponsor-ancestor of each member (compression), so a
	// revenue-share walk takes at most len(RSRates) steps however many inactive members it skips.
	active := make([]bool, n)
	for i := range out {
		active[i] = out[i].Active
	}
	nextActive := make([]int32, n)
	depth := make([]int32, n)
	for _, v := range spOrder {
		s := sponsor[v]
		if s == none {
			nextActive[v] = none
			continue
		}
		depth[v] = depth[s] + 1
		if active[s] {
			nextActive[v] = s
		} else {
			nextActive[v] = nextActive[s]
		}
	}

	ctx := &runContext{ids: ids, index: index, sponsor: sponsor, active: active, saleS: map[string]int32{}}
	firstEarner := func(s int32) int32 {
		if s == none || sponsor[s] == none {
			return none
		}
		if e := sponsor[s]; active[e] {
			return e
		}
		return nextActive[sponsor[s]]
	}
	// Count the bulk lines exactly.
	totalShares := 0
	for i := 0; i < n; i++ {
		if active[i] {
			totalShares += cfg.Ranks[rankIdx[i]].PoolShares
		}
	}
	bulk := 0
	for _, a := range accounted {
		sl := a.sale
		switch sl.Kind {
		case SalePack, SaleUpgrade:
			if sp := sponsor[a.m]; sp != none && sl.Price > 0 && mulRateRound(sl.Price, cfg.Rule(plan[sp]).DirectRate) != 0 {
				bulk++
			}
		case SaleActivation:
			if sl.Retail != 0 && a.s != none {
				bulk++
			}
			if sl.CV <= 0 {
				continue
			}
			e := firstEarner(a.s)
			for g := 1; g <= len(cfg.RSRates) && e != none; g, e = g+1, nextActive[e] {
				if g <= cfg.Rule(plan[e]).RSGenerations && mulRateRound(sl.CV, cfg.RSRates[g-1]) != 0 {
					bulk++
				}
			}
		}
	}
	for i := 0; i < n; i++ {
		if active[i] && cfg.Ranks[rankIdx[i]].PoolShares > 0 {
			bulk++
		}
	}
	for _, c := range claws {
		bulk += len(c.Paid)
	}
	lines = append(make([]line, 0, len(lines)+bulk), lines...)

	// Totals by vendor: activation lines and their clawbacks under the activation's vendor, all
	// other lines plan-wide (slot 0).
	vendorIdx := map[string]int{"": 0}
	vendors := []string{""}
	vendorSum := []Units{0}
	vendorSlot := func(v string) int {
		vi, ok := vendorIdx[v]
		if !ok {
			vi = len(vendors)
			vendorIdx[v] = vi
			vendors = append(vendors, v)
			vendorSum = append(vendorSum, 0)
		}
		return vi
	}
	for _, a := range accounted {
		sl := a.sale
		switch sl.Kind {
		case SalePack, SaleUpgrade:
			// Step 7: direct bonus for the buyer's sponsor, the sponsor's plan as of the period end.
			sp := sponsor[a.m]
			if sp == none || sl.Price <= 0 {
				continue
			}
			rate := cfg.Rule(plan[sp]).DirectRate
			if amt := mulRateRound(sl.Price, rate); amt != 0 {
				emit(line{member: sp, typ: LineDirect, amount: amt, srcKind: srcSale, src: a.idx, base: sl.Price, rate: int32(rate)})
				vendorSum[0] += amt
			}
		case SaleActivation:
			vi := vendorSlot(sl.Vendor)
			// Step 8: retail commission for S.
			if sl.Retail != 0 && a.s != none {
				emit(line{member: a.s, typ: LineRetail, amount: sl.Retail, srcKind: srcSale, src: a.idx, base: sl.Retail})
				vendorSum[vi] += sl.Retail
			}
			// Step 6: revenue share up the compressed sponsor line from S's sponsor.
			if sl.CV <= 0 {
				continue
			}
			e := firstEarner(a.s)
			if e == none {
				continue
			}
			below := depth[a.s]
			for g := 1; g <= len(cfg.RSRates) && e != none; g, e = g+1, nextActive[e] {
				skipped := below - depth[e] - 1
				below = depth[e]
				if g > cfg.Rule(plan[e]).RSGenerations {
					continue // the generation is used up all the same
				}
				rate := cfg.RSRates[g-1]
				if amt := mulRateRound(sl.CV, rate); amt != 0 {
					if skipped > 0 {
						ctx.saleS[sl.ID] = a.s
					}
					emit(line{member: e, typ: LineRevenueShare, amount: amt, srcKind: srcSale, src: a.idx, gen: uint8(g), base: sl.CV, rate: int32(rate), skipped: skipped})
					vendorSum[vi] += amt
				}
			}
		}
	}

	// Step 9: leadership pool, the share rounded down to the cent; the remainder is not paid.
	pool := Units(mulDiv(int64(salesBV), int64(cfg.PoolRate), rateScale, false))
	if totalShares > 0 && salesBV > 0 {
		share := Units(mulDiv(int64(salesBV), int64(cfg.PoolRate), rateScale*int64(totalShares), false))
		exact := salesBV.Decimal().Mul(cfg.PoolRate.Decimal()).String()
		for i := 0; i < n; i++ {
			sh := cfg.Ranks[rankIdx[i]].PoolShares
			if !active[i] || sh == 0 {
				continue
			}
			if amt := Units(sh) * share; amt != 0 {
				emit(line{member: int32(i), typ: LinePool, amount: amt, base: pool,
					extra: detail(Detail{Pool: pool, PoolExact: exact, Shares: sh, TotalShares: totalShares, ShareValue: share})})
			}
		}
	}

	// Step 10: clawbacks mirror every retail and revenue-share line paid for the activation.
	for _, c := range claws {
		for _, p := range c.Paid {
			if p.Type != LineRetail && p.Type != LineRevenueShare {
				continue
			}
			mi, known := index[p.Member]
			if !known {
				return nil, inputErr("cancellation %s: paid line %s belongs to %s, who is not a member of this run", c.ID, p.ID, p.Member)
			}
			revs = append(revs, revRef{c: c, paid: p})
			emit(line{member: mi, typ: p.Type, amount: -p.Amount, srcKind: srcClaw, src: int32(len(revs) - 1), gen: uint8(p.Generation), base: p.Amount})
			vendorSum[vendorSlot(c.Vendor)] -= p.Amount
		}
	}

	// Totals. Lines that are not about an activation are plan-wide (vendor "").
	t := Totals{ByType: map[string]Units{}, ByVendor: map[string]Units{}, SalesBV: salesBV, SalesValue: salesValue, Lines: len(lines)}
	var byType [len(lineTypeNames)]Units
	for i := range lines {
		l := &lines[i]
		byType[l.typ] += l.amount
		t.Total += l.amount
		switch l.typ {
		case LineRank, LineBinary, LineMatching, LinePool:
			vendorSum[0] += l.amount
		}
	}
	for _, lt := range LineTypes {
		if byType[lt] != 0 {
			t.ByType[lt.String()] = byType[lt]
		}
	}
	for i, v := range vendors {
		if vendorSum[i] != 0 || i > 0 {
			t.ByVendor[v] = vendorSum[i]
		}
	}
	if salesValue > 0 {
		t.PayoutRatio = Rate(mulDiv(int64(t.Total), rateScale, int64(salesValue), false))
	}
	res.lines = lines
	res.Totals = t
	res.ctx = ctx
	res.sales = sales
	res.details = details
	res.revs = revs
	res.ranks = cfg.Ranks
	res.Members = make([]MemberResult, 0, consultants)
	for i := 0; i < n; i++ {
		if plan[i].IsConsultant() {
			out[i].Total = mtotal[i]
			res.Members = append(res.Members, out[i])
		}
	}
	return res, nil
}

// Compressed lists the inactive members a revenue-share line skipped below its earner
// (PLAN.md §4 step 6). It walks on demand, for statements; the run itself never does.
func (r *Result) Compressed(l Line) []string {
	if l.Type != LineRevenueShare || l.Basis.Skipped == 0 || r.ctx == nil {
		return nil
	}
	s, ok := r.ctx.saleS[l.Source]
	e, ok2 := r.ctx.index[l.Member]
	if !ok || !ok2 {
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
