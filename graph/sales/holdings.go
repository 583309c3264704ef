package sales

import (
	"context"
	"time"
)

// Service is a vendor service a member holds (PLAN.md §5).
type Service struct {
	ActivationID string     `json:"activation_id"`
	Vendor       string     `json:"vendor"`
	SKU          string     `json:"sku"`
	Product      string     `json:"product,omitempty"` // the product's current name
	Status       string     `json:"status"`            // active | cancelled
	ActivatedAt  time.Time  `json:"activated_at"`
	CancelledAt  *time.Time `json:"cancelled_at,omitempty"`
}

// VendorLinkView is a vendor serving a member, since when.
type VendorLinkView struct {
	Vendor string     `json:"vendor"`
	Since  *time.Time `json:"since,omitempty"`
}

// Services is what a member holds from which vendor.
type Services struct {
	MemberID string           `json:"member_id"`
	Services []Service        `json:"services"`
	Vendors  []VendorLinkView `json:"vendors"`
}

// HoldingsStore reads what members hold from vendors.
type HoldingsStore interface {
	// Services lists what a member holds from which vendor (PLAN.md §5).
	Services(ctx context.Context, memberID string) (*Services, error)
}

// HoldingsService answers what a member holds from which vendor.
type HoldingsService struct {
	Store HoldingsStore
}

// Services lists a member's vendor services with their status.
func (s *HoldingsService) Services(ctx context.Context, id string) (*Services, error) {
	return s.Store.Services(ctx, id)
}
