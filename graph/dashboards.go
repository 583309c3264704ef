package graph

import (
	"context"
	"time"
)

// CustomerDashboard is what a customer sees: its services by vendor and who referred it.
type CustomerDashboard struct {
	MemberID   string           `json:"member_id"`
	Name       string           `json:"name"`
	Services   []Service        `json:"services"`
	Vendors    []VendorLinkView `json:"vendors"`
	Consultant *Contact         `json:"consultant,omitempty"`
}

// Contact is how to reach a member.
type Contact struct {
	ID    string `json:"id"`
	Name  string `json:"name"`
	Email string `json:"email"`
}

// AdminDashboard is the operator's overview.
type AdminDashboard struct {
	Network            []PlanRankCount   `json:"network"`
	Sales              []VendorMonth     `json:"sales"`
	Runs               []Run             `json:"runs"`
	PendingWithdrawals []WithdrawalTotal `json:"pending_withdrawals"`
	RejectedLast24h    int64             `json:"rejected_events_last_24h"`
	Health             Readiness         `json:"health"`
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
	Referrer(ctx context.Context, memberID string) (*Contact, string, error)
}

// DashboardService assembles dashboards.
type DashboardService struct {
	Store   DashboardStore
	Members *MemberService
	Runs    RunStore
	Health  *HealthService
	Now     func() time.Time
}

// Customer returns a customer's dashboard (services by vendor, referring consultant).
func (s *DashboardService) Customer(ctx context.Context, id string) (*CustomerDashboard, error) {
	contact, name, err := s.Store.Referrer(ctx, id)
	if err != nil {
		return nil, err
	}
	sv, err := s.Members.Services(ctx, id)
	if err != nil {
		return nil, err
	}
	return &CustomerDashboard{MemberID: id, Name: name, Services: sv.Services, Vendors: sv.Vendors, Consultant: contact}, nil
}

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
	d.Health = s.Health.Readiness(ctx)
	return d, nil
}
