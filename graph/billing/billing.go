// Package billing takes card payments for what members buy from the company: a self-registered
// consultant's starter pack and a self-service upgrade (PLAN.md §2 prices). A payment provider
// (Stripe, behind the Provider interface) holds the card; Halo records each payment, and a pack
// or upgrade takes effect only when the provider's signed webhook reports the payment succeeded
// — once, however often the webhook comes.
package billing

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/halo-oss/halo/engine"
	"github.com/halo-oss/halo/graph"
	"github.com/halo-oss/halo/graph/genealogy"
)

// Payment purposes and statuses.
const (
	PurposePack    = "pack"
	PurposeUpgrade = "upgrade"

	StatusRequiresPayment = "requires_payment"
	StatusSucceeded       = "succeeded"
	StatusFailed          = "failed"
	StatusCanceled        = "canceled"
)

// Payment is one card payment for a pack or an upgrade.
type Payment struct {
	ID            string     `json:"id"`
	MemberID      string     `json:"member_id"`
	Purpose       string     `json:"purpose"`                 // pack | upgrade
	Plan          string     `json:"plan"`                    // the plan bought
	Amount        string     `json:"amount"`                  // decimal string
	Currency      string     `json:"currency"`                // usd
	Provider      string     `json:"provider"`                // stripe
	ProviderID    string     `json:"provider_id"`             // the provider's payment (Stripe PaymentIntent) id
	ClientSecret  string     `json:"client_secret,omitempty"` // for the card form, shown to the payer only
	Status        string     `json:"status"`
	FailureReason string     `json:"failure_reason,omitempty"`
	CreatedAt     time.Time  `json:"created_at"`
	SettledAt     *time.Time `json:"settled_at,omitempty"`
}

// ProviderRequest asks the provider for a payment.
type ProviderRequest struct {
	Amount         engine.Units
	Currency       string
	Description    string
	IdempotencyKey string
	Metadata       map[string]string
}

// ProviderPayment is the provider's answer.
type ProviderPayment struct {
	ID, ClientSecret, Status string
}

// Event is a verified webhook event about a payment.
type Event struct {
	ID        string // the provider's event id: the same event twice changes nothing
	Type      string // succeeded | failed | canceled | other
	PaymentID string // our payment id, from the metadata the payment was created with
	Reason    string
}

// Provider is a card payment provider.
type Provider interface {
	Name() string
	Create(ctx context.Context, r ProviderRequest) (*ProviderPayment, error)
	// Verify checks a webhook's signature and replay window and reads the event; any failure is
	// an Unauthorized error.
	Verify(payload []byte, signatureHeader string) (*Event, error)
}

// Store keeps payments and the events applied to them.
type Store interface {
	CreatePayment(ctx context.Context, p Payment) error
	Payment(ctx context.Context, id string) (*Payment, error)
	Payments(ctx context.Context, memberID string) ([]Payment, error)
	// SeenEvent says whether a provider event was applied already.
	SeenEvent(ctx context.Context, eventID string) (bool, error)
	// Settle moves a payment from requires_payment to status and records the event, in one
	// transaction; false when the payment was settled already (the event is recorded anyway).
	Settle(ctx context.Context, paymentID, eventID, status, reason string, at time.Time) (bool, error)
}

// Members is what billing asks of genealogy.
type Members interface {
	Get(ctx context.Context, id string) (*genealogy.Member, error)
	ConfirmPack(ctx context.Context, id string, req genealogy.ConfirmPackRequest) (*genealogy.Member, error)
	Upgrade(ctx context.Context, id string, req genealogy.UpgradeRequest) (*genealogy.Member, error)
}

// Service starts payments and applies the provider's webhooks.
type Service struct {
	Store    Store
	Provider Provider // nil: card payments are not configured
	Members  Members
	Plan     *engine.Config
	Audit    *graph.Auditor
	Now      func() time.Time
	Currency string
}

// StartRequest is POST /members/{id}/payments.
type StartRequest struct {
	Purpose string `json:"purpose" example:"pack"`                   // pack | upgrade
	Plan    string `json:"plan,omitempty" example:"consultant_plus"` // the upgrade's plan
}

func (s *Service) provider() (Provider, error) {
	if s.Provider == nil {
		return nil, graph.Unavailable("card payments (no payment provider is configured: STRIPE_SECRET_KEY)", nil)
	}
	return s.Provider, nil
}

// Start opens a card payment for the member's pending pack, or for an upgrade it chose. An open
// payment for the same thing is returned again rather than a second one made.
func (s *Service) Start(ctx context.Context, memberID string, req StartRequest) (*Payment, error) {
	if req.Purpose != PurposePack && req.Purpose != PurposeUpgrade {
		return nil, graph.InvalidField("purpose", "must be pack or upgrade")
	}
	p, err := s.provider()
	if err != nil {
		return nil, err
	}
	m, err := s.Members.Get(ctx, memberID)
	if err != nil {
		return nil, err
	}
	var amount engine.Units
	plan := m.Plan
	switch req.Purpose {
	case PurposePack:
		if !m.PackPending {
			return nil, graph.Conflict("member %s has no pack waiting for payment", memberID)
		}
		pl, err := engine.ParsePlan(m.Plan)
		if err != nil {
			return nil, graph.Internal(err)
		}
		amount = s.Plan.Rule(pl).Price
	case PurposeUpgrade:
		from, err1 := engine.ParsePlan(m.Plan)
		to, err2 := engine.ParsePlan(req.Plan)
		switch {
		case err2 != nil || !to.IsConsultant():
			return nil, graph.InvalidField("plan", "must be affiliate, consultant or consultant_plus")
		case err1 != nil || !from.IsConsultant():
			return nil, graph.InvalidField("plan", "only consultants upgrade")
		case m.PackPending:
			return nil, graph.Conflict("pay for the pack first: member %s's pack is still waiting for payment", memberID)
		case to <= from:
			return nil, graph.InvalidField("plan", "upgrades go up only: %s is already %s", memberID, m.Plan)
		}
		plan = to.String()
		amount = s.Plan.Rule(to).Price - s.Plan.Rule(from).Price // PLAN.md §2: the price difference
	default:
		return nil, graph.InvalidField("purpose", "must be pack or upgrade")
	}
	if amount <= 0 {
		return nil, graph.Conflict("there is nothing to pay for the %s plan", plan)
	}
	existing, err := s.Store.Payments(ctx, memberID)
	if err != nil {
		return nil, err
	}
	attempt := 1
	for _, x := range existing {
		if x.Purpose == req.Purpose && x.Plan == plan {
			if x.Status == StatusRequiresPayment {
				return &x, nil
			}
			attempt++
		}
	}
	pay := Payment{ID: graph.NewID("pay"), MemberID: memberID, Purpose: req.Purpose, Plan: plan, Amount: graph.Money(amount), Currency: s.currency(),
		Provider: p.Name(), Status: StatusRequiresPayment, CreatedAt: s.Now().UTC()}
	pp, err := p.Create(ctx, ProviderRequest{Amount: amount, Currency: pay.Currency, Description: fmt.Sprintf("%s %s for %s", plan, req.Purpose, memberID),
		IdempotencyKey: fmt.Sprintf("halo-%s-%s-%s-%d", memberID, req.Purpose, plan, attempt),
		Metadata:       map[string]string{"halo_payment_id": pay.ID, "halo_member_id": memberID, "halo_purpose": req.Purpose}})
	if err != nil {
		return nil, err
	}
	pay.ProviderID, pay.ClientSecret = pp.ID, pp.ClientSecret
	if err := s.Store.CreatePayment(ctx, pay); err != nil {
		return nil, err
	}
	s.Audit.Record(ctx, "payment.start", "payment", pay.ID, nil, map[string]any{"member_id": memberID, "purpose": req.Purpose, "plan": plan, "amount": pay.Amount, "provider_id": pay.ProviderID})
	return &pay, nil
}

func (s *Service) currency() string {
	if s.Currency == "" {
		return "usd"
	}
	return strings.ToLower(s.Currency)
}

// List returns a member's payments, newest first (without client secrets).
func (s *Service) List(ctx context.Context, memberID string) ([]Payment, error) {
	ps, err := s.Store.Payments(ctx, memberID)
	for i := range ps {
		ps[i].ClientSecret = ""
	}
	return ps, err
}

// Webhook applies a provider event: verified, then applied at most once. A success makes the
// pack a sale (or performs the upgrade) before the event is recorded, and both steps are
// idempotent, so a crash between them is repaired by the provider's retry.
func (s *Service) Webhook(ctx context.Context, payload []byte, header string) error {
	p, err := s.provider()
	if err != nil {
		return err
	}
	ev, err := p.Verify(payload, header)
	if err != nil {
		return err
	}
	if ev.Type == "other" || ev.PaymentID == "" {
		return nil // not about a Halo payment: acknowledged, ignored
	}
	if seen, err := s.Store.SeenEvent(ctx, ev.ID); err != nil || seen {
		return err
	}
	pay, err := s.Store.Payment(ctx, ev.PaymentID)
	if graph.KindOf(err) == graph.KindNotFound {
		return nil // a payment Halo did not make (another integration on the account)
	}
	if err != nil {
		return err
	}
	ctx = graph.WithActor(ctx, p.Name())
	status := map[string]string{"succeeded": StatusSucceeded, "failed": StatusFailed, "canceled": StatusCanceled}[ev.Type]
	if status == StatusSucceeded && pay.Status == StatusRequiresPayment {
		if err := s.fulfil(ctx, pay); err != nil {
			return err
		}
	}
	applied, err := s.Store.Settle(ctx, pay.ID, ev.ID, status, ev.Reason, s.Now().UTC())
	if err != nil {
		return err
	}
	if applied {
		s.Audit.Record(ctx, "payment."+status, "payment", pay.ID, map[string]string{"status": pay.Status}, map[string]string{"status": status, "event": ev.ID, "reason": ev.Reason})
	}
	return nil
}

// fulfil makes what was paid for take effect; it is idempotent.
func (s *Service) fulfil(ctx context.Context, pay *Payment) error {
	switch pay.Purpose {
	case PurposePack:
		_, err := s.Members.ConfirmPack(ctx, pay.MemberID, genealogy.ConfirmPackRequest{PaymentReference: pay.Provider + " " + pay.ProviderID})
		if graph.KindOf(err) == graph.KindConflict {
			return nil // confirmed already (an earlier delivery of this event, or an admin)
		}
		return err
	case PurposeUpgrade:
		m, err := s.Members.Get(ctx, pay.MemberID)
		if err != nil {
			return err
		}
		if m.Plan == pay.Plan {
			return nil // upgraded already
		}
		if _, err = s.Members.Upgrade(ctx, pay.MemberID, genealogy.UpgradeRequest{Plan: pay.Plan}); err != nil {
			// A concurrent delivery of the same event may have upgraded it meanwhile.
			if m, gerr := s.Members.Get(ctx, pay.MemberID); gerr == nil && m.Plan == pay.Plan {
				return nil
			}
		}
		return err
	}
	return nil
}
