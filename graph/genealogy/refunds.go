package genealogy

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/halo-oss/halo/engine"
	"github.com/halo-oss/halo/graph"
)

// RefundRequest records a refund of a pack purchase or an upgrade (PLAN.md §11).
type RefundRequest struct {
	SaleID     string     `json:"sale_id" example:"pack:HS-1001"`
	OccurredAt *time.Time `json:"occurred_at,omitempty"` // default now
	Reason     string     `json:"reason,omitempty" example:"bought back within 12 months"`
}

// Refund is a recorded refund.
type Refund struct {
	ID         string    `json:"id" example:"refund-pack:HS-1001"`
	SaleID     string    `json:"sale_id" example:"pack:HS-1001"`
	MemberID   string    `json:"member_id" example:"HS-1001"`
	OccurredAt time.Time `json:"occurred_at"`
	PlanAfter  string    `json:"plan_after" example:"affiliate"`
	Reason     string    `json:"reason,omitempty"`
	RecordedAt time.Time `json:"recorded_at"`
}

// Purchase is a member's pack purchase or upgrade as a refund sees it.
type Purchase struct {
	SaleID   string
	Kind     string // "pack" or "upgrade"
	FromPlan string // upgrade: the plan before it
	Plan     string
	At       time.Time
	Pending  bool // a pack whose payment is not confirmed yet
}

// PurchaseHistory is what a refund or an upgrade decision depends on.
type PurchaseHistory struct {
	Member       *Member
	Purchases    []Purchase
	Refunds      []Refund
	TerminatedAt *time.Time // §10: no upgrade at or after it
}

// RefundStore is what refunds need from storage. RecordRefund writes r only while the member is
// still on fromPlan and the sale is not refunded, deciding under the member's write lock, so two
// racing refunds (or a refund racing an upgrade) cannot both apply: the loser gets Conflict.
type RefundStore interface {
	PurchaseHistory(ctx context.Context, memberID string) (*PurchaseHistory, error)
	RecordRefund(ctx context.Context, r Refund, fromPlan string) error
}

// latest is the last purchase or refund recorded for the member: nothing may be dated before it.
func (h *PurchaseHistory) latest() time.Time {
	t := h.Member.RegisteredAt
	for _, p := range h.Purchases {
		if p.At.After(t) {
			t = p.At
		}
	}
	for _, f := range h.Refunds {
		if f.OccurredAt.After(t) {
			t = f.OccurredAt
		}
	}
	return t
}

// current is the purchase that set the member's current plan: the latest one not refunded
// (refunds go latest first, so the refunded ones are always the newest).
func (h *PurchaseHistory) current() *Purchase {
	refunded := map[string]bool{}
	for _, f := range h.Refunds {
		refunded[f.SaleID] = true
	}
	var cur *Purchase
	for i := range h.Purchases {
		p := &h.Purchases[i]
		if refunded[p.SaleID] {
			continue
		}
		if cur == nil || p.At.After(cur.At) || (p.At.Equal(cur.At) && p.Kind == "upgrade") {
			cur = p
		}
	}
	return cur
}

// RecordRefund is PLAN.md §11: only a priced purchase can be refunded (not an affiliate's or an
// imported member's registration, nor the root's pack), only the one that set the member's
// current plan (the latest first), never twice, and not dated before a purchase or refund
// already recorded. From its date the member's plan is the one before the purchase (affiliate
// for a registration pack); the run that accounts it voids the sale if no committed run paid it,
// and otherwise reverses the direct bonus paid for it.
func (s *MemberService) RecordRefund(ctx context.Context, memberID string, req RefundRequest) (*Refund, error) {
	now := s.Now().UTC()
	saleID := strings.TrimSpace(req.SaleID)
	if saleID == "" {
		return nil, graph.InvalidField("sale_id", "is required: pack:<member id> or an upgrade's sale id")
	}
	at := now
	if req.OccurredAt != nil {
		at = req.OccurredAt.UTC()
		if at.After(now) {
			return nil, graph.InvalidField("occurred_at", "must not be in the future")
		}
	}
	if err := checkReason(req.Reason); err != nil {
		return nil, err
	}
	if !graph.ValidID(memberID) {
		return nil, graph.NotFound("member %s not found", memberID)
	}
	h, err := s.RefundStore.PurchaseHistory(ctx, memberID)
	if err != nil {
		return nil, err
	}
	m := h.Member
	if saleID == "pack:"+memberID && (m.ID == s.RootID || m.SponsorID == "") {
		return nil, graph.Conflict("the root's pack cannot be refunded")
	}
	idx := slices.IndexFunc(h.Purchases, func(p Purchase) bool { return p.SaleID == saleID })
	if idx < 0 {
		if saleID == "pack:"+memberID && m.Plan != engine.PlanCustomer.String() {
			return nil, graph.Conflict("%s's registration was not a priced purchase (an affiliate's or an imported member's); there is nothing to refund", memberID)
		}
		return nil, graph.NotFound("%s has no pack or upgrade %s", memberID, saleID)
	}
	p := h.Purchases[idx]
	for _, f := range h.Refunds {
		if f.SaleID == saleID {
			return nil, graph.Conflict("%s is already refunded (%s, %s)", saleID, f.ID, f.OccurredAt.Format(time.RFC3339))
		}
	}
	if p.Pending {
		return nil, graph.Conflict("the pack of %s is not paid yet; there is nothing to refund", memberID)
	}
	if cur := h.current(); cur == nil || cur.SaleID != saleID {
		latest := ""
		if cur != nil {
			latest = cur.SaleID
		}
		return nil, graph.Conflict("only the purchase that set %s's current plan can be refunded (refund the latest first): that is %s", memberID, latest)
	}
	if last := h.latest(); at.Before(last) {
		return nil, graph.InvalidField("occurred_at", "must not be before %s, the latest purchase or refund recorded for %s", last.Format(time.RFC3339), memberID)
	}
	after := engine.PlanAffiliate.String()
	if p.Kind == "upgrade" {
		after = p.FromPlan
	}
	r := Refund{ID: "refund-" + saleID, SaleID: saleID, MemberID: memberID, OccurredAt: at, PlanAfter: after,
		Reason: strings.TrimSpace(req.Reason), RecordedAt: now}
	if err := s.RefundStore.RecordRefund(ctx, r, m.Plan); err != nil {
		return nil, err
	}
	if s.AfterChange != nil {
		s.AfterChange(true)
	}
	s.Audit.Record(ctx, "member.refund", "member", memberID, map[string]string{"plan": m.Plan},
		map[string]any{"plan": after, "sale_id": saleID, "occurred_at": at, "reason": r.Reason})
	return &r, nil
}
