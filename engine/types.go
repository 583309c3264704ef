package engine

import (
	"sync"
	"time"
)

// Leg is a side of the binary placement tree.
type Leg uint8

const (
	LegNone Leg = iota
	LegLeft
	LegRight
)

func (l Leg) String() string {
	switch l {
	case LegLeft:
		return "left"
	case LegRight:
		return "right"
	}
	return ""
}

// ParseLeg parses "left" or "right".
func ParseLeg(s string) (Leg, bool) {
	switch s {
	case "left":
		return LegLeft, true
	case "right":
		return LegRight, true
	}
	return LegNone, false
}

// Member is a known member (PLAN.md §2). Plan is the plan at registration; upgrades arrive as
// sales and the engine derives the plan in force as of the period end.
type Member struct {
	ID           string
	Plan         Plan
	Sponsor      string // "" for the root
	Parent       string // placement parent; "" for the root and for customers
	Leg          Leg
	RegisteredAt time.Time
	// SponsorAt and ParentAt are optional hints: the index in Input.Members of Sponsor and
	// Parent, plus one (0: none given). A caller that keeps its input between runs (the earnings
	// projection) gives them so a run need not look members up by id; a hint that does not name
	// the member is ignored, so it never changes a result.
	SponsorAt, ParentAt int32
}

// SaleKind tells how a sale came about (PLAN.md §3).
type SaleKind uint8

const (
	SalePack       SaleKind = iota + 1 // registration on a priced plan: source "pack:<member>"
	SaleUpgrade                        // plan upgrade: price and BV are the differences
	SaleActivation                     // a vendor's service activation
)

// Sale is a known sale. The caller passes every sale not yet accounted by a committed run and,
// for the activity window, those already accounted whose occurred_at falls in the window.
// Activations voided by a committed run are left out by the caller.
type Sale struct {
	ID         string // the line source: "pack:<id>", or the upgrade/activation event id
	Member     string // buyer, or the member the vendor activated a service for
	OccurredAt time.Time
	Price      Units // pack or upgrade price
	BV         Units
	CV         Units  // activation: revenue-share base (product values as of occurred_at)
	Retail     Units  // activation: flat retail commission
	Vendor     string // activation
	Kind       SaleKind
	ToPlan     Plan // upgrade
	Accounted  bool // already accounted by a committed run
	// MemberAt is an optional hint like Member.SponsorAt: the index of Member in Input.Members,
	// plus one.
	MemberAt int32
	// HoldDays is the rescission window of an activation's product (PLAN.md §9, 0–14): a run
	// accounts the activation only once occurred_at + HoldDays days is before its end.
	HoldDays int
	// Ref is the caller's handle for the sale (the store's record of it), never read by the
	// engine: the result gives it back beside the sale (AccountedRefs, SaleRef), so the caller
	// finds what a run accounts without looking each sale up by id (issue #19).
	Ref int64
}

// PaidLine is a committed line that a clawback reverses (PLAN.md §4 step 10).
type PaidLine struct {
	ID         string // the committed line's id (the reversal points at it)
	Member     string
	Type       LineType
	Amount     Units
	Generation int
}

// Cancellation is a known cancellation not yet accounted by a committed run (PLAN.md §6).
type Cancellation struct {
	ID         string
	Activation string // the activation's sale id
	OccurredAt time.Time
	// ActivationAccounted says a committed run accounted the activation: then accounting this
	// cancellation claws back Paid; otherwise it voids the activation.
	ActivationAccounted bool
	Vendor              string
	Paid                []PaidLine
}

// Refund is a recorded refund of a pack purchase or an upgrade not yet accounted by a committed
// run (PLAN.md §11). The run that accounts it (OccurredAt before its end) voids the sale if no
// committed run accounted it, and otherwise reverses Paid, the direct lines paid for it.
type Refund struct {
	ID            string
	Sale          string // "pack:<member>" or the upgrade's sale id
	OccurredAt    time.Time
	SaleAccounted bool
	Paid          []PaidLine
}

// State is a consultant's state between committed runs (PLAN.md §4).
type State struct {
	Member        string
	Rank          string
	CarryLeft     Units
	CarryRight    Units
	LifetimeLeft  Units
	LifetimeRight Units
}

// Status is a consultant's standing (PLAN.md §10).
type Status uint8

const (
	StatusActive Status = iota
	StatusSuspended
	StatusTerminated
)

var statusNames = [...]string{"active", "suspended", "terminated"}

func (s Status) String() string {
	if int(s) < len(statusNames) {
		return statusNames[s]
	}
	return "unknown"
}

// ParseStatus parses "active", "suspended" or "terminated".
func ParseStatus(s string) (Status, bool) {
	for i, n := range statusNames {
		if n == s {
			return Status(i), true
		}
	}
	return 0, false
}

// StatusEvent is an admin's suspension, reinstatement (StatusActive) or termination of a
// consultant from At (PLAN.md §10). Seq is the order in which the service recorded the events:
// between events with the same At, the one recorded last decides.
type StatusEvent struct {
	Member string
	Status Status
	At     time.Time
	Seq    int64
}

// Input is the snapshot a run is computed from.
type Input struct {
	Config        *Config
	Start         time.Time // end of the last committed run; zero for the first run
	End           time.Time
	Cutover       time.Time // §7; zero when the network was not imported
	Members       []Member  // every known member; those registered at or after End do not exist yet
	Sales         []Sale
	Cancellations []Cancellation
	Prev          []State // previous committed state (or imported opening state)
	// StatusEvents are the status changes the service knows when the draft is made (§10); the
	// engine keeps those with At before End.
	StatusEvents []StatusEvent
	Refunds      []Refund // §11; sales voided by a committed run are left out by the caller
	// SumsOnly keeps each member's totals by line type instead of the lines (the earnings
	// projection reads nothing else): at 1M consultants, 64 MB instead of 0.7 GB. The result's
	// members, totals and SumsByMember are the same; it has no lines to list and no
	// AccountedSales (such a run is never committed).
	SumsOnly bool
	// Memo, with SumsOnly, carries what this run makes of the sales to the next (SalesMemo):
	// then a run reads only the sales added since the last. The result is the same without.
	Memo *SalesMemo
	// Scratch, when set, is working memory this run shares with the runs before and after it
	// (see Scratch); the result is the same with or without, but see Scratch.ReuseResults.
	Scratch *Scratch
	// Between, when set, is called between the run's steps, and within each pass of a step
	// every pauseEvery members, sales or sums (at 1M consultants a step took 30–240 ms of one
	// core, a few thousand elements take 1–5 ms). It neither sees nor changes the run: the
	// earnings projection rests there while the API is in use, so that Neo4j, on the same
	// cores, is not held to one core for the whole of a run, nor the dashboards' reads behind a
	// step for its whole length (issue #19).
	Between func()
}

// LineType is a commission or bonus type (PLAN.md §4). Statements store a line's type by its
// number (store/payouts_lines.go): add new types at the end, never renumber.
type LineType uint8

const (
	LineDirect LineType = iota + 1
	LineBinary
	LineMatching
	LineRevenueShare
	LineRetail
	LineRank
	LinePool
)

var lineTypeNames = [...]string{"", "direct", "binary", "matching", "revenue_share", "retail", "rank", "pool"}

// LineTypes lists every type in a fixed order.
var LineTypes = []LineType{LineDirect, LineBinary, LineMatching, LineRevenueShare, LineRetail, LineRank, LinePool}

func (t LineType) String() string {
	if int(t) < len(lineTypeNames) {
		return lineTypeNames[t]
	}
	return "unknown"
}

// ParseLineType parses a line type name.
func ParseLineType(s string) (LineType, bool) {
	for i, n := range lineTypeNames {
		if i > 0 && n == s {
			return LineType(i), true
		}
	}
	return 0, false
}

// Line is one commission line. Basis carries the figures it came from, so a consultant asking
// "why is my check this amount" is answered by the line itself.
type Line struct {
	Member     string
	Type       LineType
	Amount     Units
	Source     string // see PLAN.md §8 for the naming
	Generation int
	ReversalOf string // id of the reversed committed line (clawbacks only)
	Vendor     string // activation lines and their clawbacks
	Basis      Basis
}

// Basis explains a line.
//   - direct: Base = price, Rate = sponsor's direct %
//   - binary: Detail has L, R, pair, percent, cap and what was flushed
//   - matching: Base = the downline's binary line, Rate = match % of the generation
//   - revenue_share: Base = CV, Rate = rs % of the generation, Skipped = inactive members compressed
//     below this earner (Result.Compressed lists them)
//   - retail: Base = the product's retail commission
//   - rank: Base = the bonus of the rank in Source
//   - pool: Detail has pool size, shares, total shares and share value
type Basis struct {
	Base    Units
	Rate    Rate
	Skipped int32
	Detail  *Detail
}

// Detail carries the figures of a binary or pool line.
type Detail struct {
	Left, Right Units // binary: L and R before pairing
	Pair        Units
	Cap         Units
	Flushed     Units // binary: the money above the cap that was not paid
	Pool        Units // pool: 2% of sales BV, rounded down to the cent for display
	PoolExact   string
	Shares      int
	TotalShares int
	ShareValue  Units
}

// MemberResult is a consultant's end state for the run plus the figures behind it.
type MemberResult struct {
	State
	Active      bool
	Status      Status    // §10: a suspended or terminated consultant is never active
	StatusSince time.Time // when the deciding status change took effect (zero when active by default)
	RolledUp    bool      // §10: Sponsor is not the recorded sponsor, who is terminated
	// Sponsor is the effective sponsor for this run: a terminated sponsor's members roll up to
	// the next sponsor above it that is not terminated (§10).
	Sponsor          string
	PersonalVolume   Units // window PV (§3)
	NewLeft          Units
	NewRight         Units
	SponsoredActives int
	Plan             Plan
	Total            Units // sum of this member's lines in the run
	LeftMembers      int32 // consultants in the left placement leg
	RightMembers     int32
	// Promoted: step 3 raised the rank (the stored member's rank changes only then).
	Promoted bool
}

// Totals summarises a run.
type Totals struct {
	ByType     map[string]Units // line type -> sum
	ByVendor   map[string]Units // vendor -> sum; "" is plan-wide
	Total      Units
	SalesBV    Units
	SalesValue Units // pack and upgrade prices + activation CV
	// PayoutRatio = Total / SalesValue, exact to six decimals (truncated); zero when no sales.
	PayoutRatio Rate
	Lines       int
}

// Result is a computed run.
type Result struct {
	Members []MemberResult // every consultant that exists, in member-id order
	// AccountedSales are the sale ids this run accounts; committing the run marks them.
	// AccountedRefs[k] is AccountedSales[k]'s Sale.Ref.
	AccountedSales []string
	AccountedRefs  []int64
	// Clawed and Voided are the cancellations this run accounts (§6): a clawed one reversed
	// committed lines, a voided one made its activation (VoidedActivations) void for good.
	Clawed            []string
	Voided            []string
	VoidedActivations []string
	// ClawedRefunds and VoidedRefunds are the refunds this run accounts (§11); a voided one made
	// its sale (VoidedSales) void for good.
	ClawedRefunds []string
	VoidedRefunds []string
	VoidedSales   []string
	Totals        Totals

	lines []line       // compact and pointer-free: ten million lines cost the GC nothing
	sums  []memberSums // Input.SumsOnly: each member's totals by line type, instead of lines
	// memberAt is Members[k]'s index among the run's members (MemberIDs); sumsOnce totals the
	// lines into sums for MemberSums when the run kept lines.
	memberAt []int32
	sumsOnce sync.Once
	ctx      *runContext
	sales    []saleSource // by sale index; not the input's sales, which a draft then frees
	details  []Detail
	revs     []revRef
	ranks    []RankRule
}

// saleSource is what a line needs of its sale: the id, and the vendor of an activation.
type saleSource struct {
	id, vendor string
	ref        int64
}

// Source kinds of a compact line.
const (
	srcNone uint8 = iota
	srcSale
	srcMember
	srcRank
	srcClaw
)

// line is the compact form of Line kept by a Result (40 bytes, no pointers).
type line struct {
	amount  Units
	base    Units
	member  int32
	src     int32
	rate    int32
	skipped int32
	extra   int32 // 1-based index into details
	typ     LineType
	gen     uint8
	srcKind uint8
}

// revRef is what a reversal line points at: the cancelled activation or refunded sale (its
// source), the activation's vendor, and the committed line it reverses.
type revRef struct {
	source, vendor string
	paid           PaidLine
}

// Len is the number of lines.
func (r *Result) Len() int { return len(r.lines) }

// Line returns line i in full. It allocates nothing: strings come from the snapshot.
func (r *Result) Line(i int) Line {
	c := &r.lines[i]
	l := Line{Member: r.ctx.ids[c.member], Type: c.typ, Amount: c.amount, Generation: int(c.gen),
		Basis: Basis{Base: c.base, Rate: Rate(c.rate), Skipped: c.skipped}}
	switch c.srcKind {
	case srcSale:
		s := &r.sales[c.src]
		l.Source, l.Vendor = s.id, s.vendor
	case srcMember:
		l.Source = r.ctx.ids[c.src]
	case srcRank:
		l.Source = r.ranks[c.src].Name
	case srcClaw:
		rv := &r.revs[c.src]
		l.Source = rv.source
		l.ReversalOf = rv.paid.ID
		l.Vendor = rv.vendor
	}
	if c.extra > 0 {
		l.Basis.Detail = &r.details[c.extra-1]
	}
	return l
}

// SaleCount is the number of sales the run looked at, in id order; SaleID names sale k.
func (r *Result) SaleCount() int      { return len(r.sales) }
func (r *Result) SaleID(k int) string { return r.sales[k].id }

// SaleRef is sale k's Sale.Ref.
func (r *Result) SaleRef(k int) int64 { return r.sales[k].ref }

// LineSale is the sale line i pays for (its index, as SaleID takes), or -1: a line for no sale,
// or a reversal (whose source is the sale of the line it reverses).
func (r *Result) LineSale(i int) int32 {
	if c := &r.lines[i]; c.srcKind == srcSale {
		return c.src
	}
	return -1
}

// LineMemberIndex is line i's member as an index into MemberIDs, without building the line
// (a reversal's member is always one of the run's: the engine refuses the run otherwise).
func (r *Result) LineMemberIndex(i int) int32 { return r.lines[i].member }

// MemberIDs are the run's members, consultants and customers, by index; the caller must not
// change the slice.
func (r *Result) MemberIDs() []string { return r.ctx.ids }

// MemberIndex is the index of a member of the run in MemberIDs.
func (r *Result) MemberIndex(id string) (int32, bool) {
	return r.ctx.index.find(id)
}

// LineType is line i's type, without building the line.
func (r *Result) LineType(i int) LineType { return r.lines[i].typ }

// Lines iterates over every line in full.
func (r *Result) Lines() func(yield func(int, Line) bool) {
	return func(yield func(int, Line) bool) {
		for i := range r.lines {
			if !yield(i, r.Line(i)) {
				return
			}
		}
	}
}

// TotalsText is Totals in decimal strings (money with two decimals, BV exact), as the API and
// the scenario output show them; lines that belong to no vendor are under "plan".
type TotalsText struct {
	ByType      map[string]string `json:"by_type"`
	ByVendor    map[string]string `json:"by_vendor"`
	Total       string            `json:"total"`
	SalesBV     string            `json:"sales_bv"`
	SalesValue  string            `json:"sales_value"`
	PayoutRatio string            `json:"payout_ratio"`
	Lines       int               `json:"lines"`
}

// Text renders the totals; every line type appears, zero or not.
func (t Totals) Text() TotalsText {
	out := TotalsText{ByType: map[string]string{}, ByVendor: map[string]string{}, Total: t.Total.String(), SalesBV: t.SalesBV.Decimal().String(),
		SalesValue: t.SalesValue.String(), PayoutRatio: t.PayoutRatio.String(), Lines: t.Lines}
	for _, lt := range LineTypes {
		out.ByType[lt.String()] = t.ByType[lt.String()].String()
	}
	for v, a := range t.ByVendor {
		if v == "" {
			v = "plan"
		}
		out.ByVendor[v] = a.String()
	}
	return out
}

// memberSums is one member's lines, totalled by type (Input.SumsOnly).
type memberSums struct {
	byType [8]Units
	lines  int32
}

// MemberSums is Members[k]'s totals by line type (what SumsByMember gives it; zero when it has
// no line), without looking it up by id.
func (r *Result) MemberSums(k int) [8]Units {
	r.sumsOnce.Do(func() {
		if r.sums == nil {
			r.sums = r.totalLines()
		}
	})
	return r.sums[r.memberAt[k]].byType
}

func (r *Result) totalLines() []memberSums {
	sums := make([]memberSums, len(r.ctx.ids))
	for i := range r.lines {
		c := &r.lines[i]
		sums[c.member].byType[c.typ] += c.amount
		sums[c.member].lines++
	}
	return sums
}

// SumsByMember totals the lines per member and line type without expanding them (the earnings
// projection reads only these totals): each member with any line once, in no particular order.
// A reversal counts for the member whose line it reverses, as Line says.
func (r *Result) SumsByMember(each func(member string, byType *[8]Units)) {
	sums := r.sums
	if sums == nil {
		sums = r.totalLines()
	}
	for m := range sums {
		if sums[m].lines > 0 {
			each(r.ctx.ids[m], &sums[m].byType)
		}
	}
}
