package store_test

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/halo-oss/halo/graph"
	"github.com/halo-oss/halo/graph/dashboards"
	"github.com/halo-oss/halo/internal/testenv"
)

// Issue #19: a consultant's dashboard reads its data, status history, held activations and
// field enablement from Neo4j in one query; each part is what the part's own read gives
// (genealogy's status history, field's member field), and the held activations are those
// PLAN.md §9 holds.
func TestConsultantDashboardDataInOneRead(t *testing.T) {
	s := testenv.Store(t)
	ctx := context.Background()
	q := `CREATE (ana:Member:Consultant {id: 'ana', name: 'Ana', plan: 'consultant', registered_at: datetime('2026-01-01T00:00:00Z')})
CREATE (ana)-[:HAS_STATUS]->(:StatusChange {status: 'suspended', at: datetime('2026-02-01T00:00:00Z'), recorded_at: datetime('2026-02-01T00:00:00Z'), seq: 1, reason: 'unpaid'})
CREATE (ana)-[:HAS_STATUS]->(:StatusChange {status: 'active', at: datetime('2026-02-10T00:00:00Z'), recorded_at: datetime('2026-02-10T00:00:00Z'), seq: 2, reason: 'paid'})
CREATE (:Sale {id: 'sun:h1', kind: 'activation', member_id: 'cu', attributed_to: 'ana', vendor_id: 'sun', bv_cents: 39000, hold_days: 3, occurred_at: datetime('2026-03-01T12:00:00Z')})
CREATE (:Sale {id: 'sun:h2', kind: 'activation', member_id: 'cu', attributed_to: 'ana', vendor_id: 'sun', bv_cents: 100, hold_days: 0, occurred_at: datetime('2026-03-01T12:00:00Z')})
CREATE (:OnboardingTrack {id: 'default', keys: ['welcome', 'orientation'], titles: ['Welcome', 'Orientation']})
CREATE (ana)-[:REGISTERED {status: 'confirmed', attended: true, seq: 1}]->(:Gathering {id: 'g-past', kind: 'webinar', title: 'Orientation', status: 'published', onboarding_step: 'orientation',
  starts_at: datetime('2026-02-01T18:00:00Z'), ends_at: datetime('2026-02-01T19:00:00Z')})
CREATE (ana)-[:REGISTERED {status: 'confirmed', seq: 1}]->(:Gathering {id: 'g-next', kind: 'event', title: 'Kick-off', format: 'in_person', location: 'Denver', time_zone: 'America/Denver', status: 'published',
  starts_at: datetime('2026-04-01T18:00:00Z'), ends_at: datetime('2026-04-01T20:00:00Z')})`
	if err := s.ExecForTests(ctx, q); err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)
	d, err := s.ConsultantData(ctx, dashboards.ConsultantQuery{ID: "ana", RecruitsSince: now.AddDate(0, 0, -30), Now: now, HeldLimit: 100, UpcomingLimit: 20})
	if err != nil {
		t.Fatal(err)
	}
	if d.ID != "ana" || d.Name != "Ana" || d.Plan != "consultant" || d.Rank != "none" {
		t.Errorf("the member: %+v", d)
	}
	h, err := s.StatusHistory(ctx, "ana")
	if err != nil {
		t.Fatal(err)
	}
	if len(d.StatusChanges) != 2 || !reflect.DeepEqual(d.StatusChanges, h.Changes) {
		t.Errorf("status history %+v, genealogy's read %+v", d.StatusChanges, h.Changes)
	}
	f, err := s.MemberField(ctx, "ana", now, 20)
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Field.Done) != 1 || len(d.Field.Upcoming) != 1 || d.Field.Upcoming[0].GatheringID != "g-next" || !reflect.DeepEqual(d.Field, f) {
		t.Errorf("field enablement %+v, field's read %+v", d.Field, f)
	}
	if len(d.Held) != 1 || d.Held[0] != (dashboards.HeldRow{SaleID: "sun:h1", MemberID: "cu", Vendor: "sun", BV: 39000, OccurredAt: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC), HoldDays: 3}) {
		t.Errorf("held activations: %+v", d.Held)
	}
	// Later the next gathering has ended: the limits and the clock are the dashboard's.
	d, err = s.ConsultantData(ctx, dashboards.ConsultantQuery{ID: "ana", Now: now.AddDate(0, 2, 0), HeldLimit: 0, UpcomingLimit: 20})
	if err != nil || len(d.Field.Upcoming) != 0 || len(d.Held) != 0 {
		t.Errorf("later, with no held activations asked for: %v %+v", err, d)
	}
	if _, err := s.ConsultantData(ctx, dashboards.ConsultantQuery{ID: "ghost", Now: now, HeldLimit: 100, UpcomingLimit: 20}); graph.KindOf(err) != graph.KindNotFound {
		t.Errorf("an unknown member: %v", err)
	}
}

// Issue #19: a customer's dashboard reads the customer with its referrer, its services and its
// registrations in one query; each part is what that part's own read gives.
func TestCustomerDashboardDataInOneRead(t *testing.T) {
	s := testenv.Store(t)
	ctx := context.Background()
	q := `CREATE (:Member:Consultant {id: 'ana', name: 'Ana', email: 'ana@example.com', plan: 'consultant', registered_at: datetime('2026-01-01T00:00:00Z')})
CREATE (mia:Member {id: 'mia', name: 'Mia', plan: 'customer', sponsor_id: 'ana', registered_at: datetime('2026-01-02T00:00:00Z')})
CREATE (:Member {id: 'lone', name: 'Lone', plan: 'customer', registered_at: datetime('2026-01-02T00:00:00Z')})
CREATE (:Vendor {id: 'sun'})-[:SERVES {since: datetime('2026-01-03T00:00:00Z')}]->(mia)
CREATE (:Product {key: 'sun/PANEL'})-[:VERSION]->(:ProductVersion {name: 'Panel 6kW', effective_from: datetime('2025-01-01T00:00:00Z')})
CREATE (:Sale {id: 'sun:1', activation_id: '1', kind: 'activation', member_id: 'mia', vendor_id: 'sun', sku: 'PANEL', occurred_at: datetime('2026-02-01T00:00:00Z')})
CREATE (:Sale {id: 'sun:2', activation_id: '2', kind: 'activation', member_id: 'mia', vendor_id: 'sun', sku: 'PANEL', occurred_at: datetime('2026-02-03T00:00:00Z'),
  cancelled: true, cancelled_at: datetime('2026-02-20T00:00:00Z')})
CREATE (mia)-[:REGISTERED {status: 'confirmed', seq: 1}]->(:Gathering {id: 'g-next', kind: 'webinar', title: 'Solar 101', status: 'published',
  starts_at: datetime('2026-04-01T18:00:00Z'), ends_at: datetime('2026-04-01T19:00:00Z')})`
	if err := s.ExecForTests(ctx, q); err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)
	d, err := s.CustomerData(ctx, dashboards.CustomerQuery{ID: "mia", Now: now, UpcomingLimit: 20})
	if err != nil {
		t.Fatal(err)
	}
	if d.Name != "Mia" || d.Contact == nil || *d.Contact != (dashboards.Contact{ID: "ana", Name: "Ana", Email: "ana@example.com"}) {
		t.Errorf("the customer and its referrer: %+v %+v", d, d.Contact)
	}
	sv, err := s.Services(ctx, "mia")
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Services.Services) != 2 || d.Services.Services[1].Status != "cancelled" || d.Services.Services[0].Product != "Panel 6kW" ||
		len(d.Services.Vendors) != 1 || !reflect.DeepEqual(d.Services, sv) {
		t.Errorf("services %+v, sales' read %+v", d.Services, sv)
	}
	f, err := s.MemberField(ctx, "mia", now, 20)
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Field.Upcoming) != 1 || !reflect.DeepEqual(d.Field, f) {
		t.Errorf("registrations %+v, field's read %+v", d.Field, f)
	}
	// A customer with no referrer, no service and no registration; then one that does not exist.
	d, err = s.CustomerData(ctx, dashboards.CustomerQuery{ID: "lone", Now: now, UpcomingLimit: 20})
	if err != nil || d.Contact != nil || len(d.Services.Services) != 0 || len(d.Field.Upcoming) != 0 {
		t.Errorf("a lone customer: %v %+v", err, d)
	}
	if _, err := s.CustomerData(ctx, dashboards.CustomerQuery{ID: "ghost", Now: now, UpcomingLimit: 20}); graph.KindOf(err) != graph.KindNotFound {
		t.Errorf("an unknown member: %v", err)
	}
}

// The warm-up's sample (dashboards.WarmUp): consultants and customers apart, at most n of
// each, every one a member; all of a small network when it holds fewer than 8n.
func TestSampleMembersSplitsByPlanAndBoundsEach(t *testing.T) {
	s := testenv.Store(t)
	ctx := context.Background()
	if c, u, err := s.SampleMembers(ctx, 4); err != nil || len(c)+len(u) != 0 {
		t.Fatalf("an empty database: %v %v %v", c, u, err)
	}
	q := `UNWIND range(1, 30) AS i
CREATE (:Member:Consultant {id: 'k' + i, plan: 'consultant'})
WITH count(*) AS made
UNWIND range(1, 3) AS j
CREATE (:Member:Customer {id: 'u' + j, plan: 'customer'})`
	if err := s.ExecForTests(ctx, q); err != nil {
		t.Fatal(err)
	}
	c, u, err := s.SampleMembers(ctx, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(c) != 10 || len(u) != 3 {
		t.Fatalf("sample of 10 each from 30 consultants and 3 customers: %d consultants %v, customers %v", len(c), c, u)
	}
	seen := map[string]bool{}
	for _, id := range c {
		if id[0] != 'k' || seen[id] {
			t.Fatalf("consultants %v: want distinct consultants only", c)
		}
		seen[id] = true
	}
	for _, id := range u {
		if id[0] != 'u' {
			t.Fatalf("customers %v: want customers only", u)
		}
	}
}
