package store

import (
	"context"
	"fmt"
	"time"

	"github.com/halo-oss/halo/cypher"
	"github.com/halo-oss/halo/engine"
	"github.com/halo-oss/halo/graph"
)

var (
	qDashNetwork     = cypher.MustQuery("dashboard_network")
	qDashSales       = cypher.MustQuery("dashboard_sales")
	qDashWithdrawals = cypher.MustQuery("dashboard_withdrawals")
	qDashRejected    = cypher.MustQuery("dashboard_rejected")
	qDashCustomer    = cypher.MustQuery("dashboard_customer")
)

// NetworkSize implements graph.DashboardStore.
func (s *Store) NetworkSize(ctx context.Context) ([]graph.PlanRankCount, error) {
	res, err := s.read(ctx, qDashNetwork, nil)
	if err != nil {
		return nil, err
	}
	out := []graph.PlanRankCount{}
	for _, r := range res.Records {
		out = append(out, graph.PlanRankCount{Plan: get[string](r, "plan"), Rank: get[string](r, "rank"), Members: get[int64](r, "members")})
	}
	return out, nil
}

// SalesByVendorMonth implements graph.DashboardStore.
func (s *Store) SalesByVendorMonth(ctx context.Context, limit int) ([]graph.VendorMonth, error) {
	res, err := s.read(ctx, qDashSales, map[string]any{"limit": limit})
	if err != nil {
		return nil, err
	}
	out := []graph.VendorMonth{}
	for _, r := range res.Records {
		out = append(out, graph.VendorMonth{Vendor: get[string](r, "vendor"), Month: fmt.Sprintf("%04d-%02d", get[int64](r, "year"), get[int64](r, "month")),
			Sales: get[int64](r, "sales"), BV: engine.Units(get[int64](r, "bv")).Decimal().String(), Value: engine.Units(get[int64](r, "value")).String()})
	}
	return out, nil
}

// OpenWithdrawals implements graph.DashboardStore.
func (s *Store) OpenWithdrawals(ctx context.Context) ([]graph.WithdrawalTotal, error) {
	res, err := s.read(ctx, qDashWithdrawals, nil)
	if err != nil {
		return nil, err
	}
	out := []graph.WithdrawalTotal{}
	for _, r := range res.Records {
		out = append(out, graph.WithdrawalTotal{Status: get[string](r, "status"), Count: get[int64](r, "n"), Amount: engine.Units(get[int64](r, "amount")).String()})
	}
	return out, nil
}

// RejectedSince implements graph.DashboardStore.
func (s *Store) RejectedSince(ctx context.Context, since time.Time) (int64, error) {
	res, err := s.read(ctx, qDashRejected, map[string]any{"since": ts(since)})
	if err != nil {
		return 0, err
	}
	return get[int64](res.Records[0], "n"), nil
}

// Referrer implements graph.DashboardStore.
func (s *Store) Referrer(ctx context.Context, id string) (*graph.Contact, string, error) {
	res, err := s.read(ctx, qDashCustomer, map[string]any{"id": id})
	if err != nil {
		return nil, "", err
	}
	if len(res.Records) == 0 {
		return nil, "", graph.NotFound("member %s not found", id)
	}
	r := res.Records[0]
	var c *graph.Contact
	if sp := get[string](r, "sponsor_id"); sp != "" {
		c = &graph.Contact{ID: sp, Name: get[string](r, "sponsor_name"), Email: get[string](r, "sponsor_email")}
	}
	return c, get[string](r, "name"), nil
}
