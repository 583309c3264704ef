package store

import (
	"context"
	"time"

	"github.com/halo-oss/halo/cypher"
	"github.com/halo-oss/halo/graph"
	"github.com/halo-oss/halo/graph/genealogy"
)

var (
	qPurchaseHistory = cypher.MustQuery("genealogy/purchase_history")
	qRefundRecord    = cypher.MustQuery("genealogy/refund_record")
)

// PurchaseHistory implements genealogy.RefundStore.
func (s *Store) PurchaseHistory(ctx context.Context, id string) (*genealogy.PurchaseHistory, error) {
	rec, err := readOne(ctx, s, qPurchaseHistory, map[string]any{"id": id}, graph.NotFound("member %s not found", id))
	if err != nil {
		return nil, err
	}
	h := &genealogy.PurchaseHistory{Member: memberOf(rec)}
	if v, ok := rec.Get("terminated_at"); ok && v != nil {
		t := v.(time.Time).UTC()
		h.TerminatedAt = &t
	}
	str := func(p props, k string) string { v, _ := p[k].(string); return v }
	at := func(p props, k string) time.Time { v, _ := p[k].(time.Time); return v.UTC() }
	for _, x := range get[[]any](rec, "purchases") {
		p := props(x.(map[string]any))
		pending, _ := p["pending"].(bool)
		h.Purchases = append(h.Purchases, genealogy.Purchase{SaleID: str(p, "id"), Kind: str(p, "kind"), FromPlan: str(p, "from"),
			Plan: str(p, "plan"), At: at(p, "at"), Pending: pending})
	}
	for _, x := range get[[]any](rec, "refunds") {
		p := props(x.(map[string]any))
		if str(p, "id") == "" {
			continue
		}
		h.Refunds = append(h.Refunds, genealogy.Refund{ID: str(p, "id"), SaleID: str(p, "sale_id"), MemberID: id, OccurredAt: at(p, "occurred_at"),
			PlanAfter: str(p, "plan_after"), Reason: str(p, "reason"), RecordedAt: at(p, "recorded_at")})
	}
	return h, nil
}

// RecordRefund implements genealogy.RefundStore.
func (s *Store) RecordRefund(ctx context.Context, r genealogy.Refund, fromPlan string) error {
	res, err := s.underPlanLock(ctx, r.MemberID, qRefundRecord, map[string]any{"member": r.MemberID, "sale": r.SaleID, "from": fromPlan, "id": r.ID,
		"occurred_at": r.OccurredAt.Format(time.RFC3339Nano), "plan_after": r.PlanAfter, "reason": r.Reason, "actor": graph.ActorOf(ctx),
		"recorded_at": r.RecordedAt.Format(time.RFC3339Nano)})
	if err != nil {
		return err
	}
	if len(res) == 0 || get[int64](res[0], "n") == 0 {
		return graph.Conflict("%s's purchases changed meanwhile (another refund or an upgrade); look again and retry", r.MemberID)
	}
	return nil
}
