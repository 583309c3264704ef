package store

import (
	"context"
	"fmt"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/halo-oss/halo/cypher"
	"github.com/halo-oss/halo/engine"
	"github.com/halo-oss/halo/graph"
	"github.com/halo-oss/halo/graph/dashboards"
	"github.com/halo-oss/halo/graph/payouts"
	"github.com/halo-oss/halo/graph/sales"
)

var (
	qDashConsultant  = cypher.MustQuery("dashboards/dashboard_consultant")
	qDashCustomer    = cypher.MustQuery("dashboards/dashboard_customer")
	qDashNetwork     = cypher.MustQuery("dashboards/dashboard_network")
	qDashRejected    = cypher.MustQuery("dashboards/dashboard_rejected")
	qDashSales       = cypher.MustQuery("dashboards/dashboard_sales")
	qDashWithdrawals = cypher.MustQuery("dashboards/dashboard_withdrawals")
)

// NetworkSize implements dashboards.DashboardStore.
func (s *Store) NetworkSize(ctx context.Context) ([]dashboards.PlanRankCount, error) {
	res, err := s.read(ctx, qDashNetwork, nil)
	if err != nil {
		return nil, err
	}
	out := []dashboards.PlanRankCount{}
	for _, r := range res.Records {
		out = append(out, dashboards.PlanRankCount{Plan: get[string](r, "plan"), Rank: get[string](r, "rank"), Members: get[int64](r, "members")})
	}
	return out, nil
}

// SalesByVendorMonth implements dashboards.DashboardStore.
func (s *Store) SalesByVendorMonth(ctx context.Context, limit int) ([]dashboards.VendorMonth, error) {
	res, err := s.read(ctx, qDashSales, map[string]any{"limit": limit})
	if err != nil {
		return nil, err
	}
	out := []dashboards.VendorMonth{}
	for _, r := range res.Records {
		out = append(out, dashboards.VendorMonth{Vendor: get[string](r, "vendor"), Month: fmt.Sprintf("%04d-%02d", get[int64](r, "year"), get[int64](r, "month")),
			Sales: get[int64](r, "sales"), BV: graph.BV(engine.Units(get[int64](r, "bv"))), Value: graph.Money(engine.Units(get[int64](r, "value")))})
	}
	return out, nil
}

// OpenWithdrawals implements dashboards.DashboardStore.
func (s *Store) OpenWithdrawals(ctx context.Context) ([]dashboards.WithdrawalTotal, error) {
	res, err := s.read(ctx, qDashWithdrawals, nil)
	if err != nil {
		return nil, err
	}
	out := []dashboards.WithdrawalTotal{}
	for _, r := range res.Records {
		out = append(out, dashboards.WithdrawalTotal{Status: get[string](r, "status"), Count: get[int64](r, "n"), Amount: graph.Money(engine.Units(get[int64](r, "amount")))})
	}
	return out, nil
}

// RejectedSince implements dashboards.DashboardStore.
func (s *Store) RejectedSince(ctx context.Context, since time.Time) (int64, error) {
	res, err := s.read(ctx, qDashRejected, map[string]any{"since": ts(since)})
	if err != nil {
		return 0, err
	}
	return get[int64](res.Records[0], "n"), nil
}

// CustomerData implements dashboards.CustomerReader: one query reads the customer with its
// referrer, its services (the part sales/member_services reads) and its registrations (the
// part field/member_field reads), as ConsultantData does.
func (s *Store) CustomerData(ctx context.Context, q dashboards.CustomerQuery) (*dashboards.CustomerData, error) {
	st := customerRead(q)
	r, err := readOne(ctx, s, st.q, st.params, graph.NotFound("member %s not found", q.ID))
	if err != nil {
		return nil, err
	}
	d := &dashboards.CustomerData{Name: get[string](r, "name"), Services: servicesOf(q.ID, r), Field: memberField(r)}
	if sp := get[string](r, "sponsor_id"); sp != "" {
		d.Contact = &dashboards.Contact{ID: sp, Name: get[string](r, "sponsor_name"), Email: get[string](r, "sponsor_email")}
	}
	return d, nil
}

// customerRead is CustomerData's read, as the warm-up plans it.
func customerRead(q dashboards.CustomerQuery) statement {
	return statement{qDashCustomer, map[string]any{"id": q.ID, "now": ts(q.Now), "upcoming_limit": q.UpcomingLimit}}
}

// ConsultantData implements dashboards.ConsultantReader: one query reads the member, its
// committed state, statements, wallet, recruits and customers, its status history, its held
// activations and its field enablement (dashboards/dashboard_consultant). As four queries in
// one read transaction they cost Neo4j a third more CPU and halod a round trip each; as four
// transactions, more again, and four of the pool's connections (issue #19). Like
// ExecuteQuery's reads it sees what this process wrote.
func (s *Store) ConsultantData(ctx context.Context, q dashboards.ConsultantQuery) (*dashboards.ConsultantData, error) {
	st := consultantRead(q)
	rec, err := readOne(ctx, s, st.q, st.params, graph.NotFound("member %s not found", q.ID))
	if err != nil {
		return nil, err
	}
	d := consultantData(rec)
	d.StatusChanges = statusChanges(rec, q.ID)
	held := get[[]any](rec, "held")
	d.Held = make([]dashboards.HeldRow, 0, len(held))
	for _, x := range held {
		if m, ok := x.(map[string]any); ok {
			d.Held = append(d.Held, heldRow(m))
		}
	}
	d.Field = memberField(rec)
	return d, nil
}

// consultantRead is ConsultantData's read, as the warm-up plans it.
func consultantRead(q dashboards.ConsultantQuery) statement {
	return statement{qDashConsultant, map[string]any{"id": q.ID, "since": ts(q.RecruitsSince), "held_limit": q.HeldLimit,
		"now": ts(q.Now), "upcoming_limit": q.UpcomingLimit}}
}

// consultantData reads the dashboard query's row.
func consultantData(r *neo4j.Record) *dashboards.ConsultantData {
	d := &dashboards.ConsultantData{ID: get[string](r, "id"), Name: get[string](r, "name"), Plan: get[string](r, "plan"), Rank: get[string](r, "rank"),
		LifetimeLeft: engine.Units(get[int64](r, "ll")), LifetimeRight: engine.Units(get[int64](r, "lr")),
		CarryLeft: engine.Units(get[int64](r, "cl")), CarryRight: engine.Units(get[int64](r, "cr")), Balance: engine.Units(get[int64](r, "balance"))}
	for _, x := range get[[]any](r, "statements") {
		m, ok := x.(map[string]any)
		if !ok {
			continue
		}
		st := dashboards.StatementSummary{}
		st.RunID, _ = m["run"].(string)
		st.End = props(m).at("end")
		for _, l := range linesOf(m, false) {
			st.Types, st.Amounts, st.Vendors = append(st.Types, l.Type.String()), append(st.Amounts, l.Amount), append(st.Vendors, l.Vendor)
		}
		d.Statements = append(d.Statements, st)
	}
	for _, x := range get[[]any](r, "recent") {
		m, ok := x.(map[string]any)
		if !ok {
			continue
		}
		e := payouts.LedgerEntry{MemberID: d.ID}
		e.ID, _ = m["id"].(string)
		e.Kind, _ = m["kind"].(string)
		amt, _ := m["amount"].(int64)
		e.Amount = graph.Money(engine.Units(amt))
		e.At = props(m).at("at")
		d.Recent = append(d.Recent, e)
	}
	for _, x := range get[[]any](r, "recruits") {
		m, ok := x.(map[string]any)
		if !ok {
			continue
		}
		rc := dashboards.Recruit{}
		rc.ID, _ = m["id"].(string)
		rc.Name, _ = m["name"].(string)
		rc.Plan, _ = m["plan"].(string)
		rc.RegisteredAt = props(m).at("registered_at")
		d.Recruits = append(d.Recruits, rc)
	}
	for _, x := range get[[]any](r, "customers") {
		m, ok := x.(map[string]any)
		if !ok {
			continue
		}
		c := dashboards.CustomerServices{Services: []sales.Service{}}
		c.ID, _ = m["id"].(string)
		c.Name, _ = m["name"].(string)
		c.Email, _ = m["email"].(string)
		svs, _ := m["services"].([]any)
		for _, y := range svs {
			sm, ok := y.(map[string]any)
			if !ok {
				continue
			}
			sv := sales.Service{Status: "active"}
			sv.Vendor, _ = sm["vendor"].(string)
			sv.SKU, _ = sm["sku"].(string)
			sv.Product, _ = sm["product"].(string)
			sv.ActivationID, _ = sm["activation_id"].(string)
			sv.ActivatedAt = props(sm).at("at")
			if cx, _ := sm["cancelled"].(bool); cx {
				sv.Status = "cancelled"
			}
			c.Services = append(c.Services, sv)
		}
		d.Customers = append(d.Customers, c)
	}
	return d
}

// heldRow reads one of the dashboard's held activations (PLAN.md §9).
func heldRow(m props) dashboards.HeldRow {
	return dashboards.HeldRow{SaleID: m.str("id"), MemberID: m.str("member"), Vendor: m.str("vendor"), BV: engine.Units(m.num("bv")),
		OccurredAt: m.at("occurred_at"), HoldDays: int(m.num("hold_days"))}
}

var qWarmSample = cypher.MustQuery("dashboards/warm_sample")

// SampleMembers implements dashboards.MemberSampler: one read of about 8n members spread over the
// network, split by plan (customers are commonly a minority of it), then at most n of each.
func (s *Store) SampleMembers(ctx context.Context, n int) (consultants, customers []string, err error) {
	res, err := s.read(ctx, qWarmSample, map[string]any{"limit": 8 * n})
	if err != nil {
		return nil, nil, err
	}
	for _, r := range res.Records {
		id := get[string](r, "id")
		switch {
		case get[string](r, "plan") == "customer":
			if len(customers) < n {
				customers = append(customers, id)
			}
		case len(consultants) < n:
			consultants = append(consultants, id)
		}
	}
	return consultants, customers, nil
}
