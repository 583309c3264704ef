package store

import (
	"context"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/halo-oss/halo/cypher"
	"github.com/halo-oss/halo/engine"
	"github.com/halo-oss/halo/graph"
	"github.com/halo-oss/halo/graph/sales"
)

var (
	qIngestActivations = cypher.MustQuery("sales/ingest_load_activations")
	qIngestEmails      = cypher.MustQuery("sales/ingest_load_emails")
	qIngestEvents      = cypher.MustQuery("sales/ingest_load_events")
	qIngestLock        = cypher.MustQuery("sales/ingest_lock")
	qIngestMembers     = cypher.MustQuery("sales/ingest_load_members")
	qIngestProducts    = cypher.MustQuery("sales/ingest_load_products")
	qRejectedList      = cypher.MustQuery("sales/rejected_list")
	qRejectedLog       = cypher.MustQuery("sales/rejected_log")
	qWriteActivations  = cypher.MustQuery("sales/ingest_write_activations")
	qWriteCancels      = cypher.MustQuery("sales/ingest_write_cancellations")
	qWriteCustomers    = cypher.MustQuery("sales/ingest_write_customers")
	qWriteEvents       = cypher.MustQuery("sales/ingest_write_events")
	qWriteLinks        = cypher.MustQuery("sales/ingest_write_links")
	qIngestRefLock     = cypher.MustQuery("sales/ingest_lock_referrals")
	qIngestReferrals   = cypher.MustQuery("sales/ingest_load_referrals")
	qIngestLiveRefs    = cypher.MustQuery("sales/ingest_load_live_referrals")
	qWriteReferrals    = cypher.MustQuery("sales/ingest_write_referrals")
	qWriteRefLinks     = cypher.MustQuery("sales/ingest_write_referral_links")
)

func referralInfoOf(r *neo4j.Record) sales.ReferralInfo {
	return sales.ReferralInfo{ID: get[string](r, "id"), VendorID: get[string](r, "vendor_id"), OwnerID: get[string](r, "owner_id"), Status: get[string](r, "status"),
		CustomerID: get[string](r, "customer_id"), Email: get[string](r, "email"), ExpiresAt: get[time.Time](r, "expires_at").UTC()}
}

type ingestTx struct {
	tx     neo4j.ManagedTransaction
	vendor string
}

func (t *ingestTx) run(ctx context.Context, q string, p map[string]any) ([]*neo4j.Record, error) {
	p["vendor"] = t.vendor
	res, err := t.tx.Run(ctx, q, p)
	if err != nil {
		return nil, err
	}
	return res.Collect(ctx)
}

// Load implements sales.IngestTx: one UNWIND read per kind of thing.
func (t *ingestTx) Load(ctx context.Context, q sales.IngestQuery) (*sales.IngestState, error) {
	// Sized for the batch: decide adds its new activations to those read.
	st := &sales.IngestState{Events: map[string]bool{}, Members: make(map[string]sales.MemberInfo, len(q.MemberIDs)), EmailOwner: map[string]string{},
		Activations: make(map[string]sales.ActivationInfo, len(q.ActivationIDs)), Products: map[string][]sales.ProductValues{}, VendorCustomers: map[string]bool{}}
	recs, err := t.run(ctx, qIngestEvents, map[string]any{"ids": graph.Unique(q.EventIDs)})
	if err != nil {
		return nil, err
	}
	for _, r := range recs {
		st.Events[get[string](r, "id")] = true
	}
	st.Referrals, st.LiveReferrals = map[string]sales.ReferralInfo{}, map[string][]sales.ReferralInfo{}
	memberIDs := q.MemberIDs
	if len(q.ReferralIDs) > 0 {
		ids := graph.Unique(q.ReferralIDs)
		if _, err := t.run(ctx, qIngestRefLock, map[string]any{"ids": ids}); err != nil {
			return nil, err
		}
		if recs, err = t.run(ctx, qIngestReferrals, map[string]any{"ids": ids}); err != nil {
			return nil, err
		}
		for _, r := range recs {
			ri := referralInfoOf(r)
			st.Referrals[ri.ID] = ri
			memberIDs = append(memberIDs, ri.OwnerID) // a live referral's owner becomes the sponsor
		}
	}
	if len(q.Emails) > 0 {
		if recs, err = t.run(ctx, qIngestLiveRefs, map[string]any{"emails": graph.Unique(q.Emails)}); err != nil {
			return nil, err
		}
		for _, r := range recs {
			ri := referralInfoOf(r)
			st.LiveReferrals[ri.Email] = append(st.LiveReferrals[ri.Email], ri)
		}
	}
	if recs, err = t.run(ctx, qIngestMembers, map[string]any{"ids": graph.Unique(memberIDs)}); err != nil {
		return nil, err
	}
	for _, r := range recs {
		id := get[string](r, "id")
		m := sales.MemberInfo{ID: id, Plan: get[string](r, "plan"), SponsorID: get[string](r, "sponsor_id"), Email: get[string](r, "email"),
			RegisteredAt: unixAt(r, "registered_s", "registered_ns"), SDepth: get[int64](r, "sdepth")}
		if at := unixAt(r, "terminated_s", "terminated_ns"); !at.IsZero() { // null: not terminated
			m.TerminatedAt = &at
		}
		st.Members[id] = m
		if get[bool](r, "served") {
			st.VendorCustomers[id] = true
		}
	}
	if len(q.Emails) > 0 {
		if recs, err = t.run(ctx, qIngestEmails, map[string]any{"emails": graph.Unique(q.Emails)}); err != nil {
			return nil, err
		}
		for _, r := range recs {
			st.EmailOwner[get[string](r, "email")] = get[string](r, "owner")
		}
	}
	if recs, err = t.run(ctx, qIngestActivations, map[string]any{"ids": graph.Unique(q.ActivationIDs)}); err != nil {
		return nil, err
	}
	for _, r := range recs {
		a := sales.ActivationInfo{SaleID: get[string](r, "sale_id"), ActivationID: get[string](r, "activation_id"), MemberID: get[string](r, "member_id"),
			OccurredAt: get[time.Time](r, "occurred_at").UTC(), Cancelled: get[bool](r, "cancelled")}
		st.Activations[a.ActivationID] = a
	}
	if recs, err = t.run(ctx, qIngestProducts, map[string]any{"skus": graph.Unique(q.SKUs)}); err != nil {
		return nil, err
	}
	for _, r := range recs {
		var vs []sales.ProductValues
		for _, x := range get[[]any](r, "versions") {
			m := x.(map[string]any)
			bv, _ := m["bv"].(int64)
			cv, _ := m["cv"].(int64)
			rt, _ := m["retail"].(int64)
			from, _ := m["from"].(time.Time)
			vs = append(vs, sales.ProductValues{BV: engine.Units(bv), CV: engine.Units(cv), Retail: engine.Units(rt), HoldDays: int(props(m).num("hold_days")),
				EffectiveFrom: from.UTC()})
		}
		st.Products[get[string](r, "sku")] = vs
	}
	return st, nil
}

// Write implements sales.IngestTx: one UNWIND write per kind of thing.
func (t *ingestTx) Write(ctx context.Context, w sales.IngestWrite) error {
	recv := ts(w.ReceivedAt)
	// The two writes of every event take one list per property: the maps built one per row
	// were 66 MB of the 993 MB halod allocated in 20 s under full ingest at 1M (issue #19).
	if n := len(w.Events); n > 0 {
		ids, types, ats, payloads := make([]string, n), make([]string, n), make([]string, n), make([]string, n)
		for i, e := range w.Events {
			ids[i], types[i], ats[i], payloads[i] = e.ID, e.Type, ts(e.OccurredAt), e.Payload
		}
		if _, err := t.run(ctx, qWriteEvents, map[string]any{"ids": ids, "types": types, "ats": ats, "payloads": payloads, "received": recv}); err != nil {
			return err
		}
	}
	if len(w.Customers) > 0 {
		rows := make([]map[string]any, len(w.Customers))
		for i, c := range w.Customers {
			rows[i] = map[string]any{"id": c.ID, "name": c.Name, "email": c.Email, "sponsor": c.SponsorID, "at": ts(c.RegisteredAt), "sdepth": c.SDepth, "event": c.EventID}
		}
		if _, err := t.run(ctx, qWriteCustomers, map[string]any{"customers": rows}); err != nil {
			return err
		}
	}
	if len(w.Links) > 0 {
		rows := make([]map[string]any, len(w.Links))
		for i, l := range w.Links {
			rows[i] = map[string]any{"customer": l.CustomerID, "event": l.EventID, "at": ts(l.At)}
		}
		if _, err := t.run(ctx, qWriteLinks, map[string]any{"links": rows}); err != nil {
			return err
		}
	}
	if n := len(w.Activations); n > 0 {
		str := func() []string { return make([]string, n) }
		num := func() []int64 { return make([]int64, n) }
		sales, acts, events, members, attributed, skus, ats := str(), str(), str(), str(), str(), str(), str()
		bv, cv, retail, hold := num(), num(), num(), num()
		for i, a := range w.Activations {
			sales[i], acts[i], events[i], members[i], attributed[i], skus[i] = a.SaleID, a.ActivationID, a.EventID, a.MemberID, a.Attributed, a.SKU
			bv[i], cv[i], retail[i], hold[i], ats[i] = int64(a.BV), int64(a.CV), int64(a.Retail), int64(a.HoldDays), ts(a.OccurredAt)
		}
		if _, err := t.run(ctx, qWriteActivations, map[string]any{"sales": sales, "activations": acts, "events": events, "members": members,
			"attributed": attributed, "skus": skus, "bv": bv, "cv": cv, "retail": retail, "hold": hold, "ats": ats}); err != nil {
			return err
		}
	}
	if len(w.Cancellations) > 0 {
		rows := make([]map[string]any, len(w.Cancellations))
		for i, c := range w.Cancellations {
			rows[i] = map[string]any{"id": c.ID, "event": c.EventID, "sale": c.SaleID, "at": ts(c.OccurredAt)}
		}
		if _, err := t.run(ctx, qWriteCancels, map[string]any{"cancellations": rows}); err != nil {
			return err
		}
	}
	if len(w.Referrals) > 0 {
		rows := make([]map[string]any, len(w.Referrals))
		for i, u := range w.Referrals {
			rows[i] = map[string]any{"ord": u.Ord, "referral": u.ReferralID, "status": u.Status, "event": u.EventID, "note": orNil(u.Note), "at": ts(u.At)}
		}
		if _, err := t.run(ctx, qWriteReferrals, map[string]any{"updates": rows, "received": recv}); err != nil {
			return err
		}
	}
	if len(w.ReferralLinks) > 0 {
		rows := make([]map[string]any, len(w.ReferralLinks))
		for i, l := range w.ReferralLinks {
			rows[i] = map[string]any{"referral": l.ReferralID, "customer": l.CustomerID, "event": l.EventID, "status": l.Status, "ord": l.Ord, "at": ts(l.At)}
		}
		if _, err := t.run(ctx, qWriteRefLinks, map[string]any{"links": rows, "received": recv}); err != nil {
			return err
		}
	}
	return nil
}

// InVendorTx implements sales.IngestStore.
func (s *Store) InVendorTx(ctx context.Context, vendorID string, signups bool, fn func(sales.IngestTx) error) error {
	sess := s.session(ctx, true)
	defer sess.Close(ctx)
	_, err := sess.ExecuteWrite(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
		t := &ingestTx{tx: tx, vendor: vendorID}
		if _, err := t.run(ctx, qIngestLock, map[string]any{"signups": signups}); err != nil {
			return nil, err
		}
		return nil, fn(t)
	}, accepting)
	return s.mapErr(err)
}

// LogRejected implements sales.IngestStore.
func (s *Store) LogRejected(ctx context.Context, rs []sales.RejectedEvent) error {
	rows := make([]map[string]any, len(rs))
	for i, r := range rs {
		rows[i] = map[string]any{"vendor": r.VendorID, "event": r.EventID, "type": r.Type, "code": r.Code, "message": r.Message, "at": ts(r.ReceivedAt), "payload": r.Payload}
	}
	_, err := s.write(ctx, qRejectedLog, map[string]any{"rows": rows})
	return err
}

// Rejected implements sales.IngestStore.
func (s *Store) Rejected(ctx context.Context, vendorID string, offset, limit int) ([]sales.RejectedEvent, bool, error) {
	var v any
	if vendorID != "" {
		v = vendorID
	}
	return readPage(ctx, s, qRejectedList, map[string]any{"vendor": v, "offset": offset}, limit, func(r *neo4j.Record) sales.RejectedEvent {
		return sales.RejectedEvent{VendorID: get[string](r, "vendor_id"), EventID: get[string](r, "event_id"), Type: get[string](r, "type"),
			Code: get[string](r, "code"), Message: get[string](r, "message"), ReceivedAt: get[time.Time](r, "received_at").UTC(), Payload: get[string](r, "payload")}
	})
}
