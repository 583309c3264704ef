package dashboards

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/halo-oss/halo/engine"
	"github.com/halo-oss/halo/graph"
	"github.com/halo-oss/halo/graph/field"
	"github.com/halo-oss/halo/graph/genealogy"
	"github.com/halo-oss/halo/graph/payouts"
	"github.com/halo-oss/halo/graph/sales"
)

var now = time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC)

type fakeData struct{ d ConsultantData }

func (f fakeData) ConsultantData(_ context.Context, q ConsultantQuery) (*ConsultantData, error) {
	if q.ID != f.d.ID {
		return nil, graph.NotFound("member %s not found", q.ID)
	}
	d := f.d
	return &d, nil
}

type fakeCounters struct {
	c   map[string]payouts.Counters
	err error
}

func (f fakeCounters) Read(context.Context, []string) (map[string]payouts.Counters, error) {
	return f.c, f.err
}

type fakeProjection struct{ p *payouts.Projection }

func (f fakeProjection) Lookup(context.Context, []string) (*payouts.Projection, error) {
	return f.p, nil
}

type fakeTree struct{ nodes []genealogy.TreeNode }

func (f fakeTree) BinaryTree(context.Context, string, int, string, int) (*graph.Page[genealogy.TreeNode], error) {
	return &graph.Page[genealogy.TreeNode]{Items: append([]genealogy.TreeNode(nil), f.nodes...)}, nil
}

// fakeCustomers answers mia, who has a service and no registration, and counts its reads.
type fakeCustomers struct {
	reads *int
	asked *CustomerQuery
}

func (f fakeCustomers) CustomerData(_ context.Context, q CustomerQuery) (*CustomerData, error) {
	*f.reads++
	*f.asked = q
	if q.ID != "mia" {
		return nil, graph.NotFound("member %s not found", q.ID)
	}
	return &CustomerData{Name: "Mia", Contact: &Contact{ID: "ana", Name: "Ana Ruiz", Email: "ana@example.com"},
		Services: &sales.Services{MemberID: q.ID, Services: []sales.Service{{ActivationID: "a-1", Vendor: "solar", SKU: "SOLAR-6KW", Status: "active"}}},
		Field:    &field.MemberField{}}, nil
}

func service() *DashboardService {
	data := ConsultantData{ID: "ana", Name: "Ana", Plan: "consultant", Rank: "none", LifetimeLeft: 30000, LifetimeRight: 12000, CarryLeft: 5000, CarryRight: 0,
		Balance: 12345, Field: &field.MemberField{Steps: []string{"orientation"}, Done: []string{"orientation"}}, Statements: []StatementSummary{
			{RunID: "run-1", End: now.AddDate(0, 0, -14), Types: []string{"direct", "revenue_share"}, Amounts: []engine.Units{1000, 250}, Vendors: []string{"", "solar"}},
			{RunID: "run-2", End: now.AddDate(0, 0, -7), Types: []string{"binary", "revenue_share"}, Amounts: []engine.Units{600, 50}, Vendors: []string{"", "solar"}},
		}}
	proj := &payouts.Projection{PeriodEnd: now.AddDate(0, 0, 4), AsOf: now, Members: map[string]*payouts.Projected{
		"ana": {State: payouts.ProjectedState{Active: true, PersonalVolume: 6000, SponsoredActives: 1, LeftMembers: 3, RightMembers: 1},
			ByType: func() (b [8]engine.Units) { b[engine.LineDirect] = 1490; return }(), Generations: [8]int32{2, 1}},
	}}
	return &DashboardService{Consultants: fakeData{data}, Plan: engine.DefaultConfig(), Customers: fakeCustomers{new(int), new(CustomerQuery)},
		Counters: fakeCounters{c: map[string]payouts.Counters{"ana": {Left: 2000, Right: 500}}}, Projector: fakeProjection{proj},
		Now: func() time.Time { return now }}
}

// A consultant's dashboard puts together committed figures, the live open period and the
// projection, each said as fresh as it is.
func TestConsultantDashboard(t *testing.T) {
	s := service()
	ctx := context.Background()
	d, err := s.Consultant(ctx, "ana")
	if err != nil {
		t.Fatal(err)
	}
	if d.Legs.CarryLeft != "50.00" || d.Legs.NewLeft != "20.00" || d.Legs.LifetimeLeft != "320.00" || d.Legs.LifetimeRight != "125.00" {
		t.Errorf("legs: %+v", d.Legs)
	}
	if !d.Activity.Active || d.Activity.PersonalVolume != "60.00" || d.Projected.Total != "14.90" || d.Projected.ByType["direct"] != "14.90" {
		t.Errorf("activity %+v, projection %+v", d.Activity, d.Projected)
	}
	if d.NextRank == nil || d.NextRank.LesserLegBV.Current != "125.00" || d.NextRank.SponsoredActives.Current != "1" {
		t.Errorf("next rank: %+v", d.NextRank)
	}
	if d.Lifetime.Total != "19.00" || d.Lifetime.ByVendor["solar"] != "3.00" || d.Lifetime.ByVendor["plan"] != "16.00" {
		t.Errorf("lifetime earnings: %+v", d.Lifetime)
	}
	if d.LastRun == nil || d.LastRun.RunID != "run-2" || d.LastRun.Total != "6.50" {
		t.Errorf("the last run's earnings: %+v", d.LastRun)
	}
	if d.Wallet.Balance != "123.45" || d.Downline.Generations[0] != 2 || d.Onboarding == nil || !d.Onboarding.Completed {
		t.Errorf("wallet %+v, downline %+v, onboarding %+v", d.Wallet, d.Downline, d.Onboarding)
	}
	// Redis down: committed figures only, and the dashboard says so.
	s.Counters = fakeCounters{err: graph.Unavailable("redis", errors.New("down"))}
	s.Projector = fakeProjection{}
	d, err = s.Consultant(ctx, "ana")
	if err != nil || d.Legs.NewLeft != "0.00" || !strings.HasPrefix(d.Legs.Freshness, "live volume unavailable (Redis is down)") || d.Projected.Freshness != "not computed yet" {
		t.Errorf("%v %+v %+v", err, d.Legs, d.Projected)
	}
	s.Consultants = fakeData{ConsultantData{ID: "mia", Plan: "customer"}}
	if _, err := s.Consultant(ctx, "mia"); graph.KindOf(err) != graph.KindInvalid {
		t.Errorf("a customer has the customer dashboard: %v", err)
	}
}

func TestGenealogyViewAndCustomerDashboard(t *testing.T) {
	s := service()
	s.Trees = fakeTree{[]genealogy.TreeNode{{ID: "ana", CarryLeft: 5000}, {ID: "bo"}}}
	ctx := context.Background()
	p, err := s.BinaryTree(ctx, "ana", 2, "", 10)
	if err != nil {
		t.Fatal(err)
	}
	ana, bo := p.Items[0], p.Items[1]
	if ana.LeftVolume != "70.00" || ana.RightVolume != "5.00" || ana.Active == nil || !*ana.Active || bo.Active != nil {
		t.Errorf("carry + live volume, active from the projection: %+v %+v", ana, bo)
	}
	c, err := s.Customer(ctx, "mia")
	if err != nil || c.Name != "Mia" || c.Consultant.ID != "ana" || len(c.Services) != 1 || c.Upcoming == nil || c.Vendors == nil {
		t.Errorf("%v %+v", err, c)
	}
	// One read of Neo4j, for registrations not ended by the service's clock.
	f := s.Customers.(fakeCustomers)
	if *f.reads != 1 || f.asked.ID != "mia" || !f.asked.Now.Equal(now) || f.asked.UpcomingLimit != customerUpcoming {
		t.Errorf("%d reads, asked %+v", *f.reads, *f.asked)
	}
	if _, err := s.Customer(ctx, "nobody"); graph.KindOf(err) != graph.KindNotFound {
		t.Errorf("an unknown customer: %v", err)
	}
}

type fakeMembers struct{}

func (fakeMembers) Get(_ context.Context, id string) (*genealogy.Member, error) {
	if id == "ana" {
		return &genealogy.Member{ID: "ana"}, nil
	}
	return nil, graph.NotFound("member %s not found", id)
}

func TestLiveVolume(t *testing.T) {
	s := service()
	s.Members = fakeMembers{}
	s.Counters = fakeCounters{c: map[string]payouts.Counters{"ana": {PV: 4500, Left: 120000, Right: 80050}}}
	ctx := context.Background()
	v, err := s.LiveVolume(ctx, "ana")
	if err != nil || v.PersonalVolume != "45.00" || v.LeftVolume != "1200.00" || v.RightVolume != "800.50" {
		t.Errorf("%v %+v", err, v)
	}
	if _, err := s.LiveVolume(ctx, "ghost"); graph.KindOf(err) != graph.KindNotFound {
		t.Errorf("an unknown member: %v", err)
	}
	s.Counters = fakeCounters{err: graph.Unavailable("redis", errors.New("down"))}
	if _, err := s.LiveVolume(ctx, "ana"); graph.KindOf(err) != graph.KindUnavailable {
		t.Errorf("Redis down is a 503: %v", err)
	}
}

// PLAN.md §9 on the dashboard: a sale is held until occurred_at + hold_days, released after.
func TestHeldSalesRelease(t *testing.T) {
	at := time.Date(2026, 1, 10, 12, 0, 0, 0, time.UTC)
	rows := []HeldRow{{SaleID: "a", BV: 40000, OccurredAt: at, HoldDays: 3}, {SaleID: "b", BV: 100, OccurredAt: at.AddDate(0, 0, -5), HoldDays: 3}}
	got := held(rows, at.AddDate(0, 0, 1))
	if got[0].Status != "held" || !got[0].ReleasesAt.Equal(at.AddDate(0, 0, 3)) || got[0].BV != "400.00" {
		t.Errorf("a: %+v", got[0])
	}
	if got[1].Status != "released" {
		t.Errorf("b: %+v", got[1])
	}
}

// barrier holds every read until all `n` have started: reads made one after the other never
// get past the first.
type barrier struct {
	n       int
	mu      sync.Mutex
	started int
	all     chan struct{}
}

func newBarrier(n int) *barrier { return &barrier{n: n, all: make(chan struct{})} }

func (b *barrier) wait(ctx context.Context) error {
	b.mu.Lock()
	if b.started++; b.started == b.n {
		close(b.all)
	}
	b.mu.Unlock()
	select {
	case <-b.all:
		return nil
	case <-time.After(5 * time.Second):
		return errors.New("the other reads never started: the dashboard reads one after the other")
	case <-ctx.Done():
		return ctx.Err()
	}
}

// slowData is Neo4j's read; it checks what the dashboard asks for.
type slowData struct {
	b   *barrier
	d   ConsultantData
	err error
	n   *atomic.Int32
}

func (f slowData) ConsultantData(ctx context.Context, q ConsultantQuery) (*ConsultantData, error) {
	f.n.Add(1)
	if err := f.b.wait(ctx); err != nil {
		return nil, err
	}
	if q.ID != f.d.ID {
		return nil, graph.NotFound("member %s not found", q.ID)
	}
	if !q.Now.Equal(now) || !q.RecruitsSince.Equal(now.AddDate(0, 0, -30)) || q.HeldLimit != 100 || q.UpcomingLimit != 20 {
		return nil, fmt.Errorf("asked for %+v", q)
	}
	if f.err != nil {
		return nil, f.err
	}
	return &f.d, nil
}

type slowCounters struct {
	b *barrier
	fakeCounters
}

func (f slowCounters) Read(ctx context.Context, ids []string) (map[string]payouts.Counters, error) {
	if err := f.b.wait(ctx); err != nil {
		return nil, err
	}
	return f.fakeCounters.Read(ctx, ids)
}

type slowProjection struct {
	b *barrier
	fakeProjection
}

func (f slowProjection) Lookup(ctx context.Context, ids []string) (*payouts.Projection, error) {
	if err := f.b.wait(ctx); err != nil {
		return nil, err
	}
	return f.fakeProjection.Lookup(ctx, ids)
}

// Issue #19: everything a consultant's dashboard shows from Neo4j (its data, status, held
// sales, onboarding) is one read, and Redis's parts are read beside it, so a dashboard waits
// for the slower of the two; what each part shows is unchanged, and an unknown member is still
// a 404 whatever else was read.
func TestConsultantDashboardReadsNeo4jOnceBesideRedis(t *testing.T) {
	s := service()
	ana := ConsultantData{ID: "ana", Plan: "consultant", Rank: "none",
		StatusChanges: []genealogy.StatusChange{{MemberID: "ana", Status: "suspended", At: now.Add(-time.Hour), Seq: 1}},
		Held:          []HeldRow{{SaleID: "a-1", BV: 1000, OccurredAt: now, HoldDays: 3}},
		Field:         &field.MemberField{Steps: []string{"welcome", "orientation"}, Done: []string{"orientation"}}}
	reads := &atomic.Int32{}
	arm := func(d ConsultantData, err error) {
		b := newBarrier(3)
		s.Consultants = slowData{b: b, d: d, err: err, n: reads}
		s.Counters = slowCounters{b, fakeCounters{c: map[string]payouts.Counters{"ana": {Left: 2000, Right: 500}}}}
		s.Projector = slowProjection{b, service().Projector.(fakeProjection)}
	}
	arm(ana, nil)
	ctx := context.Background()
	d, err := s.Consultant(ctx, "ana")
	if err != nil {
		t.Fatal(err)
	}
	if reads.Load() != 1 {
		t.Errorf("%d reads of Neo4j for one dashboard", reads.Load())
	}
	if d.Status != "suspended" || len(d.StatusHistory) != 1 || len(d.Held) != 1 || d.Held[0].SaleID != "a-1" || d.Held[0].Status != "held" || d.Legs.NewLeft != "20.00" || d.Projected.Total != "14.90" {
		t.Errorf("status %q %+v, held %+v, legs %+v, projected %+v", d.Status, d.StatusHistory, d.Held, d.Legs, d.Projected)
	}
	if d.Onboarding == nil || len(d.Onboarding.Steps) != 2 || len(d.Onboarding.Done) != 1 || d.Onboarding.Completed || d.Upcoming == nil {
		t.Errorf("onboarding %+v, upcoming %+v", d.Onboarding, d.Upcoming)
	}
	// A status change dated in the future does not count yet; none at all is active.
	ana.StatusChanges = append(ana.StatusChanges, genealogy.StatusChange{MemberID: "ana", Status: "active", At: now, Seq: 2},
		genealogy.StatusChange{MemberID: "ana", Status: "suspended", At: now.Add(time.Hour), Seq: 3})
	arm(ana, nil)
	if d, err := s.Consultant(ctx, "ana"); err != nil || d.Status != "active" {
		t.Errorf("reactivated now, suspended in an hour: %v %+v", err, d)
	}
	arm(ConsultantData{ID: "ana", Plan: "consultant", Rank: "none"}, nil)
	if d, err := s.Consultant(ctx, "ana"); err != nil || d.Status != "active" || d.StatusHistory == nil || d.Held == nil || d.Onboarding == nil || d.Onboarding.Steps == nil {
		t.Errorf("nothing recorded: %v %+v", err, d)
	}

	arm(ana, nil)
	if _, err := s.Consultant(ctx, "ghost"); graph.KindOf(err) != graph.KindNotFound {
		t.Errorf("an unknown member: %v", err)
	}
	arm(ana, graph.Unavailable("neo4j", errors.New("down")))
	if _, err := s.Consultant(ctx, "ana"); graph.KindOf(err) != graph.KindUnavailable {
		t.Errorf("a failed read is the dashboard's error: %v", err)
	}
}

type sleepyProjection struct {
	d time.Duration
	fakeProjection
}

func (f sleepyProjection) Lookup(ctx context.Context, ids []string) (*payouts.Projection, error) {
	time.Sleep(f.d)
	return f.fakeProjection.Lookup(ctx, ids)
}

// Issue #19: a dashboard slower than the p99 target is logged with what each of its reads took,
// so an operator sees whether Neo4j, the counters or the projection kept it waiting.
func TestSlowConsultantDashboardIsLoggedWithItsParts(t *testing.T) {
	var buf bytes.Buffer
	s := service()
	s.Log = slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	s.SlowAfter = 250 * time.Millisecond // well above what a loaded test machine adds to instant fakes
	proj := s.Projector.(fakeProjection)
	if _, err := s.Consultant(context.Background(), "ana"); err != nil || buf.Len() != 0 {
		t.Fatalf("a quick dashboard: %v, logged %q", err, buf.String())
	}
	s.Projector = sleepyProjection{s.SlowAfter + 50*time.Millisecond, proj}
	if _, err := s.Consultant(context.Background(), "ana"); err != nil {
		t.Fatal(err)
	}
	line := buf.String()
	if !strings.Contains(line, `msg="slow dashboard" member=ana`) || !strings.Contains(line, " neo4j=") || strings.Contains(line, "projection=0s") {
		t.Errorf("logged %q", line)
	}
	if took := regexp.MustCompile(`projection=(\S+)`).FindStringSubmatch(line); took == nil {
		t.Errorf("no projection time in %q", line)
	} else if d, err := time.ParseDuration(took[1]); err != nil || d < s.SlowAfter {
		t.Errorf("projection took %v (%v), slept %v", d, err, s.SlowAfter+50*time.Millisecond)
	}
}
