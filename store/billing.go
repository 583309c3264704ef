package store

import (
	"context"
	"time"

	"github.com/halo-oss/halo/cypher"
	"github.com/halo-oss/halo/engine"
	"github.com/halo-oss/halo/graph"
	"github.com/halo-oss/halo/graph/billing"
)

var (
	qPaymentCreate = cypher.MustQuery("billing/payment_create")
	qPaymentGet    = cypher.MustQuery("billing/payment_get")
	qPaymentsList  = cypher.MustQuery("billing/payments_list")
	qEventSeen     = cypher.MustQuery("billing/event_seen")
	qPaymentSettle = cypher.MustQuery("billing/payment_settle")
)

// CreatePayment implements billing.Store.
func (s *Store) CreatePayment(ctx context.Context, p billing.Payment) error {
	amt, _ := graph.ParseAmount(p.Amount)
	_, err := writeOne(ctx, s, qPaymentCreate, map[string]any{"p": map[string]any{"id": p.ID, "member_id": p.MemberID, "purpose": p.Purpose, "plan": p.Plan,
		"amount": int64(amt), "currency": p.Currency, "provider": p.Provider, "provider_id": p.ProviderID, "client_secret": orNil(p.ClientSecret), "at": ts(p.CreatedAt)}},
		graph.NotFound("member %s not found", p.MemberID))
	return err
}

func paymentOf(m props) billing.Payment {
	return billing.Payment{ID: m.str("id"), MemberID: m.str("member_id"), Purpose: m.str("purpose"), Plan: m.str("plan"), Amount: graph.Money(engine.Units(m.num("amount_cents"))),
		Currency: m.str("currency"), Provider: m.str("provider"), ProviderID: m.str("provider_id"), ClientSecret: m.str("client_secret"), Status: m.str("status"),
		FailureReason: m.str("failure_reason"), CreatedAt: m.at("created_at"), SettledAt: m.atPtr("settled_at")}
}

// Payment implements billing.Store.
func (s *Store) Payment(ctx context.Context, id string) (*billing.Payment, error) {
	rec, err := readOne(ctx, s, qPaymentGet, map[string]any{"id": id}, graph.NotFound("payment %s not found", id))
	if err != nil {
		return nil, err
	}
	p := paymentOf(props(get[map[string]any](rec, "p")))
	return &p, nil
}

// Payments implements billing.Store.
func (s *Store) Payments(ctx context.Context, member string) ([]billing.Payment, error) {
	res, err := s.read(ctx, qPaymentsList, map[string]any{"member": member})
	if err != nil {
		return nil, err
	}
	out := []billing.Payment{}
	for _, r := range res.Records {
		out = append(out, paymentOf(props(get[map[string]any](r, "p"))))
	}
	return out, nil
}

// SeenEvent implements billing.Store.
func (s *Store) SeenEvent(ctx context.Context, id string) (bool, error) {
	rec, err := readOne(ctx, s, qEventSeen, map[string]any{"id": id}, nil)
	return get[bool](rec, "seen"), err
}

// Settle implements billing.Store.
func (s *Store) Settle(ctx context.Context, id, event, status, reason string, at time.Time) (bool, error) {
	rec, err := writeOne(ctx, s, qPaymentSettle, map[string]any{"id": id, "event": event, "status": status, "reason": reason, "at": ts(at)},
		graph.NotFound("payment %s not found", id))
	if err != nil {
		return false, err
	}
	return get[bool](rec, "open"), nil
}
