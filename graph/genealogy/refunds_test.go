package genealogy

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/halo-oss/halo/graph"
)

type memRefunds struct {
	h        PurchaseHistory
	recorded []Refund
}

func (m *memRefunds) PurchaseHistory(context.Context, string) (*PurchaseHistory, error) {
	h := m.h
	h.Refunds = append(append([]Refund(nil), m.h.Refunds...), m.recorded...)
	return &h, nil
}

func (m *memRefunds) RecordRefund(_ context.Context, r Refund, _ string) error {
	m.recorded = append(m.recorded, r)
	return nil
}

// PLAN.md §11 decided in the domain: what can be refunded, in which order, from when, and the
// plan it leaves.
func TestRecordRefundDecisions(t *testing.T) {
	d := func(day int) time.Time { return time.Date(2026, 1, day, 0, 0, 0, 0, time.UTC) }
	now := d(30)
	newSvc := func() (*MemberService, *memRefunds) {
		st := &memRefunds{h: PurchaseHistory{
			Member: &Member{ID: "M", Plan: "consultant_plus", SponsorID: "root", RegisteredAt: d(1)},
			Purchases: []Purchase{{SaleID: "pack:M", Kind: "pack", Plan: "consultant", At: d(1)},
				{SaleID: "upg-M", Kind: "upgrade", FromPlan: "consultant", Plan: "consultant_plus", At: d(5)}},
		}}
		return &MemberService{RefundStore: st, Now: func() time.Time { return now }, RootID: "root"}, st
	}
	at := func(t time.Time) *time.Time { return &t }
	kind := func(err error) graph.Kind {
		var e *graph.Error
		if errors.As(err, &e) {
			return e.Kind
		}
		return ""
	}
	s, st := newSvc()
	for _, c := range []struct {
		req  RefundRequest
		want graph.Kind
	}{
		{RefundRequest{SaleID: "pack:M", OccurredAt: at(d(10))}, graph.KindConflict}, // not the latest
		{RefundRequest{SaleID: "upg-X", OccurredAt: at(d(10))}, graph.KindNotFound},  // not M's
		{RefundRequest{SaleID: "upg-M", OccurredAt: at(d(4))}, graph.KindInvalid},    // before the upgrade
		{RefundRequest{SaleID: "upg-M", OccurredAt: at(d(31))}, graph.KindInvalid},   // in the future
		{RefundRequest{SaleID: " ", OccurredAt: at(d(10))}, graph.KindInvalid},
	} {
		if _, err := s.RecordRefund(context.Background(), "M", c.req); kind(err) != c.want {
			t.Errorf("%+v: %v, want %s", c.req, err, c.want)
		}
	}
	r, err := s.RecordRefund(context.Background(), "M", RefundRequest{SaleID: "upg-M", OccurredAt: at(d(10)), Reason: " buy-back "})
	if err != nil || r.PlanAfter != "consultant" || r.Reason != "buy-back" || r.ID != "refund-upg-M" {
		t.Fatalf("upgrade refund: %+v %v", r, err)
	}
	if _, err := s.RecordRefund(context.Background(), "M", RefundRequest{SaleID: "upg-M", OccurredAt: at(d(11))}); kind(err) != graph.KindConflict {
		t.Errorf("twice: %v", err)
	}
	if _, err := s.RecordRefund(context.Background(), "M", RefundRequest{SaleID: "pack:M", OccurredAt: at(d(9))}); kind(err) != graph.KindInvalid {
		t.Errorf("the pack dated before the upgrade's refund: %v", err)
	}
	r, err = s.RecordRefund(context.Background(), "M", RefundRequest{SaleID: "pack:M", OccurredAt: at(d(12))})
	if err != nil || r.PlanAfter != "affiliate" || len(st.recorded) != 2 {
		t.Fatalf("pack refund: %+v %v", r, err)
	}
	root, _ := newSvc()
	root.RefundStore.(*memRefunds).h.Member = &Member{ID: "root", Plan: "consultant_plus"}
	if _, err := root.RecordRefund(context.Background(), "root", RefundRequest{SaleID: "pack:root"}); kind(err) != graph.KindConflict {
		t.Errorf("the root's pack: %v", err)
	}
	aff, _ := newSvc()
	aff.RefundStore.(*memRefunds).h = PurchaseHistory{Member: &Member{ID: "F", Plan: "affiliate", SponsorID: "M", RegisteredAt: d(1)}}
	if _, err := aff.RecordRefund(context.Background(), "F", RefundRequest{SaleID: "pack:F"}); kind(err) != graph.KindConflict {
		t.Errorf("an affiliate's registration: %v", err)
	}
}
