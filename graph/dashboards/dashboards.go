// Package dashboards assembles what consultants, customers and admins see first, from the
// other subdomains through narrow readers.
package dashboards

import (
	"context"
	"log/slog"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/halo-oss/halo/engine"
	"github.com/halo-oss/halo/graph"
	"github.com/halo-oss/halo/graph/field"
	"github.com/halo-oss/halo/graph/genealogy"
	"github.com/halo-oss/halo/graph/payouts"
	"github.com/halo-oss/halo/graph/platform"
	"github.com/halo-oss/halo/graph/sales"
)

// CustomerDashboard is what a customer sees: its services by vendor and who referred it.
type CustomerDashboard struct {
	MemberID   string                       `json:"member_id"`
	Name       string                       `json:"name"`
	Services   []sales.Service              `json:"services"`
	Vendors    []sales.VendorLinkView       `json:"vendors"`
	Consultant *Contact                     `json:"consultant,omitempty"`
	Upcoming   []field.UpcomingRegistration `json:"upcoming_registrations"`
}

// Contact is how to reach a member (genealogy's).
type Contact = genealogy.Contact

// AdminDashboard is the operator's overview.
type AdminDashboard struct {
	Network            []PlanRankCount    `json:"network"`
	Sales              []VendorMonth      `json:"sales"`
	Runs               []payouts.Run      `json:"runs"`
	PendingWithdrawals []WithdrawalTotal  `json:"pending_withdrawals"`
	RejectedLast24h    int64              `json:"rejected_events_last_24h"`
	Health             platform.Readiness `json:"health"`
	// Referrals is the referral conversion rate per vendor and per consultant.
	Referrals *sales.ReferralConversion `json:"referrals"`
}

// ConversionReader reads the referral conversion table (sales).
type ConversionReader interface {
	Conversion(ctx context.Context) (*sales.ReferralConversion, error)
}

// PlanRankCount is a cell of the network-size table.
type PlanRankCount struct {
	Plan    string `json:"plan"`
	Rank    string `json:"rank"`
	Members int64  `json:"members"`
}

// VendorMonth is sales and BV of a vendor (or "plan": packs and upgrades) in a month.
type VendorMonth struct {
	Vendor string `json:"vendor"`
	Month  string `json:"month" example:"2026-03"`
	Sales  int64  `json:"sales"`
	BV     string `json:"bv"`
	Value  string `json:"value"`
}

// WithdrawalTotal sums open withdrawals by status.
type WithdrawalTotal struct {
	Status string `json:"status"`
	Count  int64  `json:"count"`
	Amount string `json:"amount"`
}

// DashboardStore reads the dashboards' aggregates.
type DashboardStore interface {
	NetworkSize(ctx context.Context) ([]PlanRankCount, error)
	SalesByVendorMonth(ctx context.Context, limit int) ([]VendorMonth, error)
	OpenWithdrawals(ctx context.Context) ([]WithdrawalTotal, error)
	RejectedSince(ctx context.Context, since time.Time) (int64, error)
}

// DashboardService assembles dashboards from what the other subdomains show, through the
// narrow readers below; it decides nothing they own.
type DashboardService struct {
	Store       DashboardStore
	Consultants ConsultantReader
	Plan        *engine.Config
	Members     MemberReader
	Trees       TreeReader
	Customers   CustomerReader
	Runs        RunLister
	Counters    CounterReader
	Projector   ProjectionReader
	Health      ReadinessReader
	Referrals   ConversionReader
	Now         func() time.Time
	// Log, when set, gets a debug line for each consultant dashboard slower than SlowAfter
	// (SlowDashboard when zero), with how long each of its reads took: Neo4j's, the live
	// counters' and the projection's.
	Log       *slog.Logger
	SlowAfter time.Duration
}

// SlowDashboard is the time past which a consultant dashboard is logged by default (at debug
// level): the issue #19 target for its 99th percentile.
const SlowDashboard = 50 * time.Millisecond

// MemberReader finds a member by id (genealogy).
type MemberReader interface {
	Get(ctx context.Context, id string) (*genealogy.Member, error)
}

// TreeReader pages a placement subtree (genealogy).
type TreeReader interface {
	BinaryTree(ctx context.Context, id string, depth int, cursor string, limit int) (*graph.Page[genealogy.TreeNode], error)
}

// RunLister lists payout runs, newest first (payouts).
type RunLister interface {
	Runs(ctx context.Context) ([]payouts.Run, error)
}

// CounterReader reads the live open-period volume (payouts).
type CounterReader interface {
	Read(ctx context.Context, ids []string) (map[string]payouts.Counters, error)
}

// ProjectionReader is the latest what-if run of the open period for some consultants (payouts);
// nil before the first.
type ProjectionReader interface {
	Lookup(ctx context.Context, ids []string) (*payouts.Projection, error)
}

// ReadinessReader is the state of the backing services (platform).
type ReadinessReader interface {
	Readiness(ctx context.Context) platform.Readiness
}

// Customer returns a customer's dashboard (services by vendor, referring consultant, upcoming
// registrations), read from Neo4j in one transaction (CustomerReader).
func (s *DashboardService) Customer(ctx context.Context, id string) (*CustomerDashboard, error) {
	c, err := s.Customers.CustomerData(ctx, CustomerQuery{ID: id, Now: s.Now().UTC(), UpcomingLimit: customerUpcoming})
	if err != nil {
		return nil, err
	}
	d := &CustomerDashboard{MemberID: id, Name: c.Name, Services: []sales.Service{}, Vendors: []sales.VendorLinkView{}, Consultant: c.Contact,
		Upcoming: []field.UpcomingRegistration{}} // always lists, never null
	if c.Services != nil {
		d.Services = append(d.Services, c.Services.Services...)
		d.Vendors = append(d.Vendors, c.Services.Vendors...)
	}
	if c.Field != nil {
		d.Upcoming = append(d.Upcoming, c.Field.Upcoming...)
	}
	return d, nil
}

// customerUpcoming is how many registrations a customer's dashboard lists.
const customerUpcoming = 20

// Admin returns the operator's dashboard.
func (s *DashboardService) Admin(ctx context.Context) (*AdminDashboard, error) {
	d := &AdminDashboard{}
	var err error
	if d.Network, err = s.Store.NetworkSize(ctx); err != nil {
		return nil, err
	}
	if d.Sales, err = s.Store.SalesByVendorMonth(ctx, 48); err != nil {
		return nil, err
	}
	if d.Runs, err = s.Runs.Runs(ctx); err != nil {
		return nil, err
	}
	if len(d.Runs) > 12 {
		d.Runs = d.Runs[:12]
	}
	if d.PendingWithdrawals, err = s.Store.OpenWithdrawals(ctx); err != nil {
		return nil, err
	}
	if d.RejectedLast24h, err = s.Store.RejectedSince(ctx, s.Now().Add(-24*time.Hour)); err != nil {
		return nil, err
	}
	if s.Referrals != nil {
		if d.Referrals, err = s.Referrals.Conversion(ctx); err != nil {
			return nil, err
		}
	}
	d.Health = s.Health.Readiness(ctx)
	return d, nil
}

// ConsultantData is what the dashboard reads from Neo4j in one go.
type ConsultantData struct {
	ID, Name, Plan, Rank        string
	LifetimeLeft, LifetimeRight engine.Units
	CarryLeft, CarryRight       engine.Units
	Statements                  []StatementSummary
	Balance                     engine.Units
	Recent                      []payouts.LedgerEntry
	Recruits                    []Recruit
	Customers                   []CustomerServices
	StatusChanges               []genealogy.StatusChange // its status history, in recording order (genealogy)
	Held                        []HeldRow                // its activations waiting out a hold (sales)
	Field                       *field.MemberField       // its onboarding and registrations (field)
}

// StatementSummary is one committed run's lines of a member.
type StatementSummary struct {
	RunID   string
	End     time.Time
	Types   []string
	Amounts []engine.Units
	Vendors []string
}

// Recruit is a newly sponsored consultant.
type Recruit struct {
	ID           string    `json:"id"`
	Name         string    `json:"name"`
	Plan         string    `json:"plan"`
	RegisteredAt time.Time `json:"registered_at"`
}

// CustomerServices is one of a consultant's customers and what it holds.
type CustomerServices struct {
	ID       string          `json:"id"`
	Name     string          `json:"name"`
	Email    string          `json:"email"`
	Services []sales.Service `json:"services"`
}

// Earnings sums lines by type and by vendor.
type Earnings struct {
	RunID     string            `json:"run_id,omitempty"`
	PeriodEnd *time.Time        `json:"period_end,omitempty"`
	ByType    map[string]string `json:"by_type"`
	ByVendor  map[string]string `json:"by_vendor"`
	Total     string            `json:"total"`
}

// Threshold is one rank requirement with the consultant's current value.
type Threshold struct {
	Required string `json:"required"`
	Current  string `json:"current"`
}

// NextRank is the progress towards the next rank (PLAN.md §4 step 3).
type NextRank struct {
	Name             string    `json:"name"`
	Bonus            string    `json:"bonus"`
	SponsoredActives Threshold `json:"sponsored_actives"`
	LesserLegBV      Threshold `json:"lesser_leg_bv"`
}

// ConsultantDashboard answers a consultant's questions in one place.
type ConsultantDashboard struct {
	MemberID string    `json:"member_id"`
	Name     string    `json:"name"`
	Plan     string    `json:"plan"`
	Rank     string    `json:"rank"`
	NextRank *NextRank `json:"next_rank,omitempty"`
	Activity struct {
		Active         bool   `json:"active"`
		PersonalVolume string `json:"personal_volume"`
		// Threshold is the personal volume that makes a consultant active (PLAN.md §3).
		Threshold  string `json:"threshold"`
		WindowDays int    `json:"window_days"`
	} `json:"activity"`
	Legs struct {
		CarryLeft     string `json:"carry_left"`
		CarryRight    string `json:"carry_right"`
		NewLeft       string `json:"new_left"`
		NewRight      string `json:"new_right"`
		LifetimeLeft  string `json:"lifetime_left"`
		LifetimeRight string `json:"lifetime_right"`
		Freshness     string `json:"freshness"`
	} `json:"legs"`
	Projected struct {
		PeriodEnd *time.Time        `json:"period_end,omitempty"`
		AsOf      *time.Time        `json:"as_of,omitempty"`
		ByType    map[string]string `json:"by_type"`
		Total     string            `json:"total"`
		Freshness string            `json:"freshness"`
	} `json:"projected_earnings"`
	LastRun *Earnings `json:"last_run_earnings,omitempty"`
	// Runs are its earnings in every committed run it has a statement in, oldest first.
	Runs     []Earnings `json:"runs"`
	Lifetime Earnings   `json:"lifetime_earnings"`
	Wallet   struct {
		Balance string                `json:"balance"`
		Recent  []payouts.LedgerEntry `json:"recent"`
	} `json:"wallet"`
	Downline struct {
		LeftMembers  int32    `json:"left_members"`
		RightMembers int32    `json:"right_members"`
		Generations  [8]int32 `json:"generations"`
	} `json:"downline"`
	Recruits  []Recruit          `json:"new_recruits"`
	Customers []CustomerServices `json:"customers"`
	// Upcoming are its registrations (seats and waitlist places) for webinars and events that
	// have not ended, soonest first; Onboarding its own progress through the track.
	Upcoming   []field.UpcomingRegistration `json:"upcoming_registrations"`
	Onboarding *field.OnboardingProgress    `json:"onboarding,omitempty"`
	// Held are its sales inside their product's rescission window (PLAN.md §9): not counted for
	// activity or paid until the first run ending after releases_at.
	Held []HeldSale `json:"held_sales"`
	// Status is active, suspended or terminated (PLAN.md §10); History says since when and why.
	Status        string                   `json:"status"`
	StatusHistory []genealogy.StatusChange `json:"status_history"`
}

// HeldSale is an activation waiting out its hold.
type HeldSale struct {
	SaleID     string    `json:"sale_id"`
	MemberID   string    `json:"member_id"` // the customer (or the consultant itself)
	Vendor     string    `json:"vendor"`
	BV         string    `json:"bv"`
	OccurredAt time.Time `json:"occurred_at"`
	HoldDays   int       `json:"hold_days"`
	ReleasesAt time.Time `json:"releases_at"`
	// Status: "held" inside the window; "released" past it, to be paid by the next run.
	Status string `json:"status"`
}

// HeldRow is a held activation as stored.
type HeldRow struct {
	SaleID, MemberID, Vendor string
	BV                       engine.Units
	OccurredAt               time.Time
	HoldDays                 int
}

// held is §9 for the dashboard: a sale is released once occurred_at + hold_days (days of 24
// hours) is past; the first run ending after that accounts it.
func held(rows []HeldRow, now time.Time) []HeldSale {
	out := make([]HeldSale, 0, len(rows))
	for _, r := range rows {
		h := HeldSale{SaleID: r.SaleID, MemberID: r.MemberID, Vendor: r.Vendor, BV: graph.BV(r.BV), OccurredAt: r.OccurredAt,
			HoldDays: r.HoldDays, ReleasesAt: r.OccurredAt.Add(time.Duration(r.HoldDays) * 24 * time.Hour), Status: "held"}
		if h.ReleasesAt.Before(now) {
			h.Status = "released"
		}
		out = append(out, h)
	}
	return out
}

// ConsultantReader reads what a consultant's dashboard shows from Neo4j.
type ConsultantReader interface {
	ConsultantData(ctx context.Context, q ConsultantQuery) (*ConsultantData, error)
}

// CustomerReader reads what a customer's dashboard shows from Neo4j, in one read: as the four
// reads it was (the customer and its referrer, that it exists, its services, its
// registrations), one after the other, each held a pool connection of its own (issue #19).
type CustomerReader interface {
	CustomerData(ctx context.Context, q CustomerQuery) (*CustomerData, error)
}

// CustomerQuery is what a customer's dashboard asks Neo4j for.
type CustomerQuery struct {
	ID            string
	Now           time.Time // its registrations for gatherings that have not ended by now
	UpcomingLimit int       // at most this many
}

// CustomerData is what a customer's dashboard reads: the sales subdomain's services and the
// field subdomain's registrations, as their own reads give them.
type CustomerData struct {
	Name     string
	Contact  *Contact // the referring consultant; nil for none
	Services *sales.Services
	Field    *field.MemberField
}

// ConsultantQuery is what a consultant's dashboard asks Neo4j for.
type ConsultantQuery struct {
	ID            string
	RecruitsSince time.Time // its recruits registered since
	Now           time.Time // its registrations for gatherings that have not ended by now
	HeldLimit     int       // at most this many held activations
	UpcomingLimit int       // and this many registrations
}

// consultantReads are the dashboard's reads: Neo4j's (ConsultantReader) and Redis's (live
// counters, projection), which do not depend on each other.
type consultantReads struct {
	data     *ConsultantData
	dataErr  error
	counters map[string]payouts.Counters
	cntErr   error
	proj     *payouts.Projection
	projErr  error
	// how long each read took
	dataTook, cntTook, projTook time.Duration
}

// read reads Redis beside Neo4j, so a dashboard waits for the slower of the two. Everything
// from Neo4j is one read (issue #19): its four queries (data, status, held sales, onboarding)
// as four transactions, one after the other, were most of a dashboard's time, and sent at once
// they cost Neo4j about a third more CPU than in one transaction and held four connections.
func (s *DashboardService) read(ctx context.Context, id string) *consultantReads {
	r := &consultantReads{}
	var wg sync.WaitGroup
	beside := func(f func()) {
		wg.Add(1)
		go func() { defer wg.Done(); f() }()
	}
	if s.Counters != nil {
		beside(func() {
			t := time.Now()
			r.counters, r.cntErr = s.Counters.Read(ctx, []string{id})
			r.cntTook = time.Since(t)
		})
	}
	if s.Projector != nil {
		beside(func() {
			t := time.Now()
			r.proj, r.projErr = s.Projector.Lookup(ctx, []string{id})
			r.projTook = time.Since(t)
		})
	}
	t := time.Now()
	now := s.Now().UTC()
	r.data, r.dataErr = s.Consultants.ConsultantData(ctx, ConsultantQuery{ID: id, RecruitsSince: now.AddDate(0, 0, -30), Now: now, HeldLimit: 100, UpcomingLimit: 20})
	r.dataTook = time.Since(t)
	wg.Wait()
	slow := s.SlowAfter
	if slow == 0 {
		slow = SlowDashboard
	}
	if took := time.Since(t); s.Log != nil && took > slow {
		s.Log.Debug("slow dashboard", "member", id, "took", took.Round(time.Millisecond), "neo4j", r.dataTook.Round(time.Millisecond),
			"counters", r.cntTook.Round(time.Millisecond), "projection", r.projTook.Round(time.Millisecond))
	}
	return r
}

// Consultant assembles a consultant's dashboard from Neo4j, the live counters and the
// in-memory projection. Errors are reported in the order the parts are shown: an unknown
// member or a customer first.
func (s *DashboardService) Consultant(ctx context.Context, id string) (*ConsultantDashboard, error) {
	r := s.read(ctx, id)
	data, err := r.data, r.dataErr
	if err != nil {
		return nil, err
	}
	if data.Plan == "customer" {
		return nil, graph.InvalidField("id", "member %s is a customer; its dashboard is /members/%s/customer-dashboard", id, id)
	}
	d := &ConsultantDashboard{MemberID: data.ID, Name: data.Name, Plan: data.Plan, Rank: data.Rank, Recruits: data.Recruits, Customers: data.Customers}
	if d.Recruits == nil {
		d.Recruits = []Recruit{}
	}
	if d.Customers == nil {
		d.Customers = []CustomerServices{}
	}
	d.Status, d.StatusHistory = genealogy.StatusNow(data.StatusChanges, s.Now()), data.StatusChanges
	if d.StatusHistory == nil {
		d.StatusHistory = []genealogy.StatusChange{}
	}
	d.Held = held(data.Held, s.Now())
	cfg := s.Plan
	d.Activity.WindowDays = cfg.ActivityWindowDays
	d.Activity.Threshold = graph.BV(cfg.ActivityMinPV)
	// Live legs: committed carry and lifetime plus the open period's volume from Redis.
	var newL, newR engine.Units
	d.Legs.Freshness = "carry as of the last committed run; new volume is the open period so far and lags accepted events by about one second; lifetime is the last run's lifetime plus new volume"
	if s.Counters != nil {
		if r.cntErr == nil {
			newL, newR = engine.Units(r.counters[id].Left), engine.Units(r.counters[id].Right)
		} else {
			d.Legs.Freshness = "live volume unavailable (Redis is down): carry and lifetime as of the last committed run, without the open period"
		}
	}
	d.Legs.CarryLeft, d.Legs.CarryRight = graph.BV(data.CarryLeft), graph.BV(data.CarryRight)
	d.Legs.NewLeft, d.Legs.NewRight = graph.BV(newL), graph.BV(newR)
	lifeL, lifeR := data.LifetimeLeft+newL, data.LifetimeRight+newR
	d.Legs.LifetimeLeft, d.Legs.LifetimeRight = graph.BV(lifeL), graph.BV(lifeR)
	// Projection: activity, sponsored actives, projected earnings, downline counts.
	d.Projected.ByType = map[string]string{}
	d.Projected.Total = "0.00"
	d.Projected.Freshness = "not computed yet"
	sponsoredActives := 0
	if s.Projector != nil {
		p := r.proj
		if r.projErr != nil {
			// Redis down: everything else on the dashboard still answers.
			d.Projected.Freshness = "unavailable while the cache cannot be reached"
		}
		if p != nil {
			pe, asOf := p.PeriodEnd, p.AsOf
			d.Projected.PeriodEnd, d.Projected.AsOf = &pe, &asOf
			d.Projected.Freshness = "includes every event accepted before as_of; brought up to date in the background within seconds of an accepted event"
			if pm := p.Members[id]; pm != nil {
				var total engine.Units
				for _, lt := range engine.LineTypes {
					d.Projected.ByType[lt.String()] = pm.ByType[lt].String()
					total += pm.ByType[lt]
				}
				d.Projected.Total = graph.Money(total)
				d.Activity.Active = pm.State.Active
				d.Activity.PersonalVolume = graph.BV(pm.State.PersonalVolume)
				sponsoredActives = pm.State.SponsoredActives
				d.Downline.LeftMembers, d.Downline.RightMembers = pm.State.LeftMembers, pm.State.RightMembers
				d.Downline.Generations = pm.Generations
			}
		}
	}
	if d.Activity.PersonalVolume == "" {
		d.Activity.PersonalVolume = "0"
	}
	// Progress to the next rank.
	if ri, err := cfg.RankIndex(data.Rank); err == nil && ri+1 < len(cfg.Ranks) {
		nr := cfg.Ranks[ri+1]
		d.NextRank = &NextRank{Name: nr.Name, Bonus: graph.Money(nr.Bonus),
			SponsoredActives: Threshold{Required: strconv.Itoa(nr.SponsoredActives), Current: strconv.Itoa(sponsoredActives)},
			LesserLegBV:      Threshold{Required: graph.BV(nr.LesserLeg), Current: graph.BV(min(lifeL, lifeR))}}
	}
	// Earnings: every committed run (oldest first), the last one, and lifetime, by type and vendor.
	life := newEarnings()
	d.Runs = make([]Earnings, 0, len(data.Statements))
	for i := range data.Statements {
		st := &data.Statements[i]
		life.add(st)
		e := newEarnings()
		e.add(st)
		run := e.render(st.RunID)
		run.PeriodEnd = &st.End
		d.Runs = append(d.Runs, run)
	}
	d.Lifetime = life.render("")
	slices.SortFunc(d.Runs, func(a, b Earnings) int { return a.PeriodEnd.Compare(*b.PeriodEnd) })
	if n := len(d.Runs); n > 0 {
		d.LastRun = &d.Runs[n-1]
	}
	fe := data.Field
	if fe == nil {
		fe = &field.MemberField{}
	}
	d.Onboarding, d.Upcoming = field.ProgressOf(fe)
	d.Wallet.Balance = graph.Money(data.Balance)
	d.Wallet.Recent = data.Recent
	if d.Wallet.Recent == nil {
		d.Wallet.Recent = []payouts.LedgerEntry{}
	}
	return d, nil
}

type earningsSum struct {
	byType   map[string]engine.Units
	byVendor map[string]engine.Units
	total    engine.Units
}

func newEarnings() *earningsSum {
	return &earningsSum{byType: map[string]engine.Units{}, byVendor: map[string]engine.Units{}}
}

func (e *earningsSum) add(st *StatementSummary) {
	for i, t := range st.Types {
		a := st.Amounts[i]
		e.byType[t] += a
		v := "plan"
		if i < len(st.Vendors) && st.Vendors[i] != "" {
			v = st.Vendors[i]
		}
		e.byVendor[v] += a
		e.total += a
	}
}

func (e *earningsSum) render(runID string) Earnings {
	out := Earnings{RunID: runID, ByType: map[string]string{}, ByVendor: map[string]string{}, Total: graph.Money(e.total)}
	for k, v := range e.byType {
		out.ByType[k] = graph.Money(v)
	}
	for k, v := range e.byVendor {
		out.ByVendor[k] = graph.Money(v)
	}
	return out
}

// BinaryTree is the genealogy view: the placement subtree with each node's plan, rank, active
// flag (from the projection) and leg volumes (committed carry + live open-period volume).
func (s *DashboardService) BinaryTree(ctx context.Context, id string, depth int, cursor string, limit int) (*graph.Page[genealogy.TreeNode], error) {
	p, err := s.Trees.BinaryTree(ctx, id, depth, cursor, limit)
	if err != nil {
		return nil, err
	}
	ids := make([]string, 0, len(p.Items))
	for _, n := range p.Items {
		ids = append(ids, n.ID)
	}
	var live map[string]payouts.Counters
	if s.Counters != nil && len(ids) > 0 {
		live, _ = s.Counters.Read(ctx, ids) // Redis down: committed carry only
	}
	var proj *payouts.Projection
	if s.Projector != nil && len(ids) > 0 {
		proj, _ = s.Projector.Lookup(ctx, ids) // Redis down: the tree without active flags
	}
	for i := range p.Items {
		n := &p.Items[i]
		c := live[n.ID]
		n.LeftVolume = graph.BV(engine.Units(n.CarryLeft + c.Left))
		n.RightVolume = graph.BV(engine.Units(n.CarryRight + c.Right))
		if proj != nil {
			if pm := proj.Members[n.ID]; pm != nil {
				a := pm.State.Active
				n.Active = &a
			}
		}
	}
	return p, nil
}

// LiveVolume is a consultant's open-period volume from the live counters.
type LiveVolume struct {
	MemberID       string `json:"member_id"`
	PersonalVolume string `json:"personal_volume" example:"450"`
	LeftVolume     string `json:"left_volume" example:"1200"`
	RightVolume    string `json:"right_volume" example:"800"`
	Freshness      string `json:"freshness" example:"leg volumes lag accepted events by about one second"`
}

// LiveVolume is the open period's volume of a member so far (PLAN.md §3–4): personal volume and
// each placement leg's, from the live counters; Unavailable while Redis is down.
func (s *DashboardService) LiveVolume(ctx context.Context, id string) (*LiveVolume, error) {
	m, err := s.Members.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	cs, err := s.Counters.Read(ctx, []string{m.ID})
	if err != nil {
		return nil, err
	}
	v := cs[m.ID]
	return &LiveVolume{MemberID: m.ID, PersonalVolume: graph.BV(engine.Units(v.PV)), LeftVolume: graph.BV(engine.Units(v.Left)),
		RightVolume: graph.BV(engine.Units(v.Right)), Freshness: "leg volumes lag accepted events by about one second"}, nil
}
