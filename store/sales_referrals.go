package store

import (
	"context"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/halo-oss/halo/cypher"
	"github.com/halo-oss/halo/graph"
	"github.com/halo-oss/halo/graph/sales"
)

var (
	qReferralVendor       = cypher.MustQuery("sales/referral_vendor")
	qReferralVendors      = cypher.MustQuery("sales/referral_vendors")
	qReferralSubmitter    = cypher.MustQuery("sales/referral_submitter")
	qReferralSeqLock      = cypher.MustQuery("sales/referral_seq_lock")
	qReferralCreate       = cypher.MustQuery("sales/referral_create")
	qReferralGet          = cypher.MustQuery("sales/referral_get")
	qReferralList         = cypher.MustQuery("sales/referral_list")
	qReferralPipeline     = cypher.MustQuery("sales/referral_pipeline")
	qReferralSettingsSet  = cypher.MustQuery("sales/referral_settings_set")
	qReferralPullLock     = cypher.MustQuery("sales/referral_pull_lock")
	qReferralPull         = cypher.MustQuery("sales/referral_pull")
	qConversionVendor     = cypher.MustQuery("sales/referral_conversion_vendor")
	qConversionConsultant = cypher.MustQuery("sales/referral_conversion_consultant")
	qOutboxLock           = cypher.MustQuery("sales/outbox_lock")
	qOutboxPaused         = cypher.MustQuery("sales/outbox_paused")
	qOutboxClaim          = cypher.MustQuery("sales/outbox_claim")
	qOutboxFinishLock     = cypher.MustQuery("sales/outbox_finish_lock")
	qOutboxFinish         = cypher.MustQuery("sales/outbox_finish")
	qOutboxRedeliver      = cypher.MustQuery("sales/outbox_redeliver")
	qOutboxGet            = cypher.MustQuery("sales/outbox_get")
	qOutboxList           = cypher.MustQuery("sales/outbox_list")
	qOutboxHealth         = cypher.MustQuery("sales/outbox_health")
)

func referralVendorOf(r *neo4j.Record) sales.ReferralVendor {
	v := sales.ReferralVendor{ID: get[string](r, "id"), Name: get[string](r, "name"), Active: get[bool](r, "active"), Products: map[string]string{},
		Settings: sales.ReferralSettings{WebhookURL: get[string](r, "webhook_url"), ExpiryDays: int(get[int64](r, "expiry_days")), Paused: get[bool](r, "paused")}}
	for _, x := range get[[]any](r, "products") {
		pair, _ := x.([]any)
		if len(pair) == 2 {
			sku, _ := pair[0].(string)
			name, _ := pair[1].(string)
			if sku != "" {
				if name == "" {
					name = sku
				}
				v.Products[sku] = name
			}
		}
	}
	return v
}

// ReferralVendor implements sales.ReferralStore.
func (s *Store) ReferralVendor(ctx context.Context, id string) (*sales.ReferralVendor, error) {
	rec, err := readOne(ctx, s, qReferralVendor, map[string]any{"id": id}, graph.NotFound("vendor %s not found", id))
	if err != nil {
		return nil, err
	}
	v := referralVendorOf(rec)
	return &v, nil
}

// ReferralVendors implements sales.ReferralStore.
func (s *Store) ReferralVendors(ctx context.Context) ([]sales.ReferralVendor, error) {
	res, err := s.read(ctx, qReferralVendors, nil)
	if err != nil {
		return nil, err
	}
	out := make([]sales.ReferralVendor, 0, len(res.Records))
	for _, r := range res.Records {
		out = append(out, referralVendorOf(r))
	}
	return out, nil
}

// Submitter implements sales.ReferralStore.
func (s *Store) Submitter(ctx context.Context, id string) (string, string, error) {
	rec, err := readOne(ctx, s, qReferralSubmitter, map[string]any{"id": id}, graph.NotFound("member %s not found", id))
	if err != nil {
		return "", "", err
	}
	return get[string](rec, "plan"), get[string](rec, "sponsor_id"), nil
}

// CreateReferral implements sales.ReferralStore: one transaction, under the vendor's sequence lock.
func (s *Store) CreateReferral(ctx context.Context, r sales.Referral, d sales.NewDelivery) error {
	p := r.Prospect
	row := map[string]any{"id": r.ID, "vendor_id": r.VendorID, "sku": orNil(r.SKU), "product_name": orNil(r.ProductName), "owner_id": r.OwnerID,
		"submitted_by": r.SubmittedBy, "p_name": p.Name, "p_email": orNil(p.Email), "p_phone": orNil(p.Phone), "p_line1": orNil(p.Address.Line1),
		"p_line2": orNil(p.Address.Line2), "p_city": orNil(p.Address.City), "p_state": orNil(p.Address.State), "p_postal": orNil(p.Address.PostalCode),
		"p_country": orNil(p.Address.Country), "notes": orNil(r.Notes), "consent_text": r.Consent.Text, "consent_channel": r.Consent.Channel,
		"consent_at": ts(r.Consent.At), "at": ts(r.CreatedAt), "expires_at": ts(r.ExpiresAt)}
	sess := s.session(ctx, true)
	defer sess.Close(ctx)
	_, err := sess.ExecuteWrite(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
		if _, err := txOne(ctx, tx, qReferralSeqLock, map[string]any{"vendor": r.VendorID}); err != nil {
			return nil, err
		}
		rec, err := txOne(ctx, tx, qReferralCreate, map[string]any{"r": row, "d": map[string]any{"id": d.ID, "state": d.State, "body": d.Body}})
		if err != nil {
			return nil, err
		}
		if rec == nil {
			return nil, graph.NotFound("member %s or vendor %s not found", r.OwnerID, r.VendorID)
		}
		return nil, nil
	})
	return s.mapErr(err)
}

func referralOf(r *neo4j.Record) sales.Referral {
	m := props(get[map[string]any](r, "r"))
	out := sales.Referral{ID: m.str("id"), VendorID: m.str("vendor_id"), VendorName: get[string](r, "vendor_name"), SKU: m.str("sku"), ProductName: m.str("product_name"),
		OwnerID: m.str("owner_id"), SubmittedBy: m.str("submitted_by"), Status: m.str("status"), Notes: m.str("notes"),
		Prospect: sales.Prospect{Name: m.str("p_name"), Email: m.str("p_email"), Phone: m.str("p_phone"), Address: sales.Address{Line1: m.str("p_line1"),
			Line2: m.str("p_line2"), City: m.str("p_city"), State: m.str("p_state"), PostalCode: m.str("p_postal"), Country: m.str("p_country")}},
		Consent:   sales.Consent{Given: true, Text: m.str("consent_text"), Channel: m.str("consent_channel"), At: m.at("consent_at")},
		CreatedAt: m.at("created_at"), UpdatedAt: m.at("updated_at"), ExpiresAt: m.at("expires_at"), CustomerID: m.str("customer_id"), Seq: m.num("seq")}
	if d, ok := r.Get("delivery"); ok && d != nil {
		dm := props(d.(map[string]any))
		out.Delivery = &sales.DeliveryInfo{ID: dm.str("id"), State: dm.str("state"), Attempts: dm.num("attempts"), DeliveredAt: dm.atPtr("delivered_at"), Via: dm.str("via")}
	}
	for _, x := range get[[]any](r, "history") {
		c := props(x.(map[string]any))
		out.History = append(out.History, sales.ReferralChange{Status: c.str("status"), At: c.at("at"), Source: c.str("source"), EventID: c.str("event_id"), Note: c.str("note")})
	}
	return out
}

// Referral implements sales.ReferralStore.
func (s *Store) Referral(ctx context.Context, id string) (*sales.Referral, error) {
	rec, err := readOne(ctx, s, qReferralGet, map[string]any{"id": id}, graph.NotFound("referral %s not found", id))
	if err != nil {
		return nil, err
	}
	r := referralOf(rec)
	return &r, nil
}

// Referrals implements sales.ReferralStore.
func (s *Store) Referrals(ctx context.Context, f sales.ReferralFilter, offset, limit int) ([]sales.Referral, bool, error) {
	return readPage(ctx, s, qReferralList, map[string]any{"member": orNil(f.Member), "vendor": orNil(f.VendorID), "status": orNil(f.Status), "offset": offset},
		limit, referralOf)
}

// Pipeline implements sales.ReferralStore.
func (s *Store) Pipeline(ctx context.Context, member string) ([]sales.PipelineCount, error) {
	res, err := s.read(ctx, qReferralPipeline, map[string]any{"member": member})
	if err != nil {
		return nil, err
	}
	out := []sales.PipelineCount{}
	for _, r := range res.Records {
		out = append(out, sales.PipelineCount{VendorID: get[string](r, "vendor_id"), Status: get[string](r, "status"), Count: get[int64](r, "n")})
	}
	return out, nil
}

// SetReferralSettings implements sales.ReferralStore.
func (s *Store) SetReferralSettings(ctx context.Context, vendorID string, st sales.ReferralSettings) error {
	_, err := writeOne(ctx, s, qReferralSettingsSet, map[string]any{"id": vendorID, "url": orNil(st.WebhookURL), "days": st.ExpiryDays, "paused": st.Paused}, nil)
	return err
}

// PullReferrals implements sales.ReferralStore.
func (s *Store) PullReferrals(ctx context.Context, vendorID string, after int64, limit int, now time.Time) ([]sales.Referral, error) {
	sess := s.session(ctx, true)
	defer sess.Close(ctx)
	out, err := sess.ExecuteWrite(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
		p := map[string]any{"vendor": vendorID, "after": after, "limit": limit, "now": ts(now)}
		if _, err := txOne(ctx, tx, qReferralPullLock, p); err != nil {
			return nil, err
		}
		res, err := tx.Run(ctx, qReferralPull, p)
		if err != nil {
			return nil, err
		}
		recs, err := res.Collect(ctx)
		if err != nil {
			return nil, err
		}
		rs := make([]sales.Referral, 0, len(recs))
		for _, r := range recs {
			rs = append(rs, referralOf(r))
		}
		return rs, nil
	})
	if err != nil {
		return nil, s.mapErr(err)
	}
	return out.([]sales.Referral), nil
}

// Conversion implements sales.ReferralStore.
func (s *Store) Conversion(ctx context.Context, top int) (*sales.ReferralConversion, error) {
	out := &sales.ReferralConversion{ByVendor: []sales.Conversion{}, ByConsultant: []sales.Conversion{}}
	for _, q := range []struct {
		query string
		dst   *[]sales.Conversion
	}{{qConversionVendor, &out.ByVendor}, {qConversionConsultant, &out.ByConsultant}} {
		res, err := s.read(ctx, q.query, map[string]any{"limit": top})
		if err != nil {
			return nil, err
		}
		for _, r := range res.Records {
			c := sales.Conversion{ID: get[string](r, "id"), Name: get[string](r, "name"), Referrals: get[int64](r, "referrals"), Won: get[int64](r, "won"), Lost: get[int64](r, "lost")}
			*q.dst = append(*q.dst, c)
		}
	}
	return out, nil
}

// ClaimDeliveries implements sales.OutboxStore.
func (s *Store) ClaimDeliveries(ctx context.Context, now, lease time.Time, claim string, n int) ([]sales.Delivery, error) {
	sess := s.session(ctx, true)
	defer sess.Close(ctx)
	out, err := sess.ExecuteWrite(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
		if _, err := txOne(ctx, tx, qOutboxLock, nil); err != nil {
			return nil, err
		}
		rec, err := txOne(ctx, tx, qOutboxPaused, nil)
		if err != nil {
			return nil, err
		}
		paused := get[[]any](rec, "ids")
		if paused == nil {
			paused = []any{}
		}
		res, err := tx.Run(ctx, qOutboxClaim, map[string]any{"now": ts(now), "lease": ts(lease), "claim": claim, "limit": n, "paused": paused})
		if err != nil {
			return nil, err
		}
		recs, err := res.Collect(ctx)
		if err != nil {
			return nil, err
		}
		ds := make([]sales.Delivery, 0, len(recs))
		for _, r := range recs {
			ds = append(ds, sales.Delivery{ID: get[string](r, "id"), VendorID: get[string](r, "vendor_id"), ReferralID: get[string](r, "referral_id"),
				Attempts: get[int64](r, "attempts"), Body: get[string](r, "body"), CreatedAt: get[time.Time](r, "created_at").UTC(), State: sales.DeliveryPending, Claim: claim,
				WebhookURL: get[string](r, "webhook_url")})
		}
		return ds, nil
	})
	if err != nil {
		return nil, s.mapErr(err)
	}
	return out.([]sales.Delivery), nil
}

// FinishDelivery implements sales.OutboxStore.
func (s *Store) FinishDelivery(ctx context.Context, o sales.DeliveryOutcome) error {
	var next any
	if !o.NextAt.IsZero() {
		next = ts(o.NextAt)
	}
	a := o.Attempt
	p := map[string]any{"id": o.ID, "claim": o.Claim, "state": o.State, "next": next, "done": ts(a.At.Add(time.Duration(a.DurationMS) * time.Millisecond)),
		"a": map[string]any{"n": a.N, "at": ts(a.At), "status": a.Status, "error": orNil(a.Error), "duration_ms": a.DurationMS, "outcome": a.Outcome}}
	sess := s.session(ctx, true)
	defer sess.Close(ctx)
	_, err := sess.ExecuteWrite(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
		if _, err := txOne(ctx, tx, qOutboxFinishLock, map[string]any{"id": o.ID}); err != nil {
			return nil, err
		}
		_, err := txOne(ctx, tx, qOutboxFinish, p)
		return nil, err
	})
	return s.mapErr(err)
}

func deliveryOf(m props) sales.Delivery {
	return sales.Delivery{ID: m.str("id"), VendorID: m.str("vendor_id"), ReferralID: m.str("referral_id"), State: m.str("state"), Attempts: m.num("attempts"),
		NextAt: m.atPtr("next_at"), LastError: m.str("last_error"), CreatedAt: m.at("created_at"), DeliveredAt: m.atPtr("delivered_at"), Via: m.str("via")}
}

// Redeliver implements sales.OutboxStore.
func (s *Store) Redeliver(ctx context.Context, id string, now time.Time) (*sales.Delivery, error) {
	rec, err := writeOne(ctx, s, qOutboxRedeliver, map[string]any{"id": id, "now": ts(now)}, graph.NotFound("delivery %s not found", id))
	if err != nil {
		return nil, err
	}
	d := deliveryOf(props(get[map[string]any](rec, "d")))
	return &d, nil
}

// Delivery implements sales.OutboxStore.
func (s *Store) Delivery(ctx context.Context, id string) (*sales.DeliveryDetail, error) {
	rec, err := readOne(ctx, s, qOutboxGet, map[string]any{"id": id}, graph.NotFound("delivery %s not found", id))
	if err != nil {
		return nil, err
	}
	d := &sales.DeliveryDetail{Delivery: deliveryOf(props(get[map[string]any](rec, "d"))), Log: []sales.Attempt{}}
	for _, x := range get[[]any](rec, "attempts") {
		a := props(x.(map[string]any))
		d.Log = append(d.Log, sales.Attempt{N: a.num("n"), At: a.at("at"), Status: int(a.num("status")), Error: a.str("error"), DurationMS: a.num("duration_ms"), Outcome: a.str("outcome")})
	}
	return d, nil
}

// Deliveries implements sales.OutboxStore.
func (s *Store) Deliveries(ctx context.Context, f sales.DeliveryFilter, offset, limit int) ([]sales.Delivery, bool, error) {
	return readPage(ctx, s, qOutboxList, map[string]any{"vendor": orNil(f.VendorID), "state": orNil(f.State), "offset": offset}, limit, func(r *neo4j.Record) sales.Delivery {
		return deliveryOf(props(get[map[string]any](r, "d")))
	})
}

// DeliveryHealth implements sales.OutboxStore.
func (s *Store) DeliveryHealth(ctx context.Context, since time.Time) ([]sales.VendorHealth, error) {
	res, err := s.read(ctx, qOutboxHealth, map[string]any{"since": ts(since)})
	if err != nil {
		return nil, err
	}
	out := []sales.VendorHealth{}
	for _, r := range res.Records {
		h := sales.VendorHealth{VendorID: get[string](r, "vendor_id"), WebhookURL: get[string](r, "webhook_url"), Paused: get[bool](r, "paused"), Pending: get[int64](r, "pending"),
			Retrying: get[int64](r, "retrying"), Dead: get[int64](r, "dead"), Delivered: get[int64](r, "delivered"), AwaitingPull: get[int64](r, "awaiting_pull")}
		if v, ok := r.Get("oldest_pending_at"); ok && v != nil {
			t := v.(time.Time).UTC()
			h.OldestPendingAt = &t
		}
		for _, x := range get[[]any](r, "latencies") {
			if n, ok := x.(int64); ok {
				h.Latencies = append(h.Latencies, n)
			}
		}
		out = append(out, h)
	}
	return out, nil
}
