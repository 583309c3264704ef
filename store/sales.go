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
	qMemberServices  = cypher.MustQuery("sales/member_services")
	qProductPut      = cypher.MustQuery("sales/product_put")
	qProductsList    = cypher.MustQuery("sales/products_list")
	qVendorCreate    = cypher.MustQuery("sales/vendor_create")
	qVendorGet       = cypher.MustQuery("sales/vendor_get")
	qVendorRotate    = cypher.MustQuery("sales/vendor_rotate")
	qVendorSecrets   = cypher.MustQuery("sales/vendor_secrets")
	qVendorSetActive = cypher.MustQuery("sales/vendor_set_active")
	qVendorsList     = cypher.MustQuery("sales/vendors_list")
)

// CreateVendor implements sales.VendorStore.
func (s *Store) CreateVendor(ctx context.Context, v sales.Vendor, sealed string) error {
	_, err := s.write(ctx, qVendorCreate, map[string]any{"id": v.ID, "name": v.Name, "at": ts(v.CreatedAt), "sealed": sealed})
	return err
}

func vendorOf(r map[string]any) sales.Vendor {
	v := sales.Vendor{ID: r["id"].(string)}
	v.Name, _ = r["name"].(string)
	v.Active, _ = r["active"].(bool)
	v.CreatedAt = props(r).at("created_at")
	v.SecretRotatedAt = props(r).atPtr("rotated_at")
	v.PreviousValidUntil = props(r).atPtr("prev_until")
	return v
}

// Vendor implements sales.VendorStore.
func (s *Store) Vendor(ctx context.Context, id string) (*sales.Vendor, error) {
	rec, err := readOne(ctx, s, qVendorGet, map[string]any{"id": id}, graph.NotFound("vendor %s not found", id))
	if err != nil {
		return nil, err
	}
	v := vendorOf(rec.AsMap())
	return &v, nil
}

// Vendors implements sales.VendorStore.
func (s *Store) Vendors(ctx context.Context) ([]sales.Vendor, error) {
	res, err := s.read(ctx, qVendorsList, nil)
	if err != nil {
		return nil, err
	}
	out := []sales.Vendor{}
	for _, r := range res.Records {
		out = append(out, vendorOf(r.AsMap()))
	}
	return out, nil
}

// RotateVendorSecret implements sales.VendorStore.
func (s *Store) RotateVendorSecret(ctx context.Context, id, sealed, previous string, at, until time.Time) error {
	res, err := s.write(ctx, qVendorRotate, map[string]any{"id": id, "sealed": sealed, "previous": previous, "at": ts(at), "until": ts(until)})
	if err != nil {
		return err
	}
	if get[int64](res.Records[0], "n") == 0 {
		return graph.NotFound("vendor %s not found", id)
	}
	return nil
}

// SetVendorActive implements sales.VendorStore.
func (s *Store) SetVendorActive(ctx context.Context, id string, active bool) error {
	res, err := s.write(ctx, qVendorSetActive, map[string]any{"id": id, "active": active})
	if err != nil {
		return err
	}
	if get[int64](res.Records[0], "n") == 0 {
		return graph.NotFound("vendor %s not found", id)
	}
	return nil
}

// VendorSecrets implements sales.VendorStore.
func (s *Store) VendorSecrets(ctx context.Context, id string) (*sales.VendorSecrets, error) {
	rec, err := readOne(ctx, s, qVendorSecrets, map[string]any{"id": id}, graph.NotFound("vendor %s not found", id))
	if err != nil {
		return nil, err
	}
	r := rec
	vs := &sales.VendorSecrets{VendorID: id, Active: get[bool](r, "active"), Sealed: get[string](r, "sealed"), PreviousSealed: get[string](r, "previous")}
	vs.PreviousUntil = props(r.AsMap()).at("prev_until")
	return vs, nil
}

// PutProduct implements sales.VendorStore.
func (s *Store) PutProduct(ctx context.Context, vendorID, sku string, v sales.ProductValues) (*sales.Product, error) {
	res, err := s.write(ctx, qProductPut, map[string]any{"vendor": vendorID, "sku": sku, "name": v.Name, "bv": int64(v.BV), "cv": int64(v.CV), "hold_days": v.HoldDays,
		"retail": int64(v.Retail), "from": ts(v.EffectiveFrom)})
	if err != nil {
		return nil, err
	}
	if len(res.Records) == 0 {
		return nil, graph.NotFound("vendor %s not found", vendorID)
	}
	ps, err := s.Products(ctx, vendorID)
	if err != nil {
		return nil, err
	}
	for i := range ps {
		if ps[i].SKU == sku {
			return &ps[i], nil
		}
	}
	return nil, graph.Internal(nil)
}

// Products implements sales.VendorStore.
func (s *Store) Products(ctx context.Context, vendorID string) ([]sales.Product, error) {
	res, err := s.read(ctx, qProductsList, map[string]any{"vendor": vendorID})
	if err != nil {
		return nil, err
	}
	out := []sales.Product{}
	for _, r := range res.Records {
		p := sales.Product{VendorID: vendorID, SKU: get[string](r, "sku")}
		for _, x := range get[[]any](r, "versions") {
			m := x.(map[string]any)
			pv := sales.ProductVersion{}
			pv.Name, _ = m["name"].(string)
			bv, _ := m["bv"].(int64)
			cv, _ := m["cv"].(int64)
			rt, _ := m["retail"].(int64)
			pv.BV, pv.CV, pv.Retail = graph.BV(engine.Units(bv)), graph.Money(engine.Units(cv)), graph.Money(engine.Units(rt))
			pv.HoldDays = int(props(m).num("hold_days"))
			pv.EffectiveFrom = props(m).at("from")
			p.Versions = append(p.Versions, pv)
		}
		out = append(out, p)
	}
	return out, nil
}

// Services implements sales.HoldingsStore.
func (s *Store) Services(ctx context.Context, id string) (*sales.Services, error) {
	if err := s.mustExist(ctx, id); err != nil {
		return nil, err
	}
	res, err := s.read(ctx, qMemberServices, map[string]any{"id": id})
	if err != nil {
		return nil, err
	}
	return servicesOf(id, res.Records[0]), nil
}

// servicesOf reads the row of sales/member_services.
func servicesOf(id string, r *neo4j.Record) *sales.Services {
	out := &sales.Services{MemberID: id, Services: []sales.Service{}, Vendors: []sales.VendorLinkView{}}
	for _, x := range get[[]any](r, "services") {
		m, ok := x.(map[string]any)
		if !ok {
			continue
		}
		sv := sales.Service{Status: "active"}
		sv.ActivationID, _ = m["activation_id"].(string)
		sv.Vendor, _ = m["vendor"].(string)
		sv.SKU, _ = m["sku"].(string)
		sv.Product, _ = m["product"].(string)
		sv.ActivatedAt = props(m).at("activated_at")
		if c, _ := m["cancelled"].(bool); c {
			sv.Status = "cancelled"
			sv.CancelledAt = props(m).atPtr("cancelled_at")
		}
		out.Services = append(out.Services, sv)
	}
	for _, x := range get[[]any](r, "vendors") {
		m, ok := x.(map[string]any)
		if !ok {
			continue
		}
		v := sales.VendorLinkView{}
		v.Vendor, _ = m["vendor"].(string)
		v.Since = props(m).atPtr("since")
		out.Vendors = append(out.Vendors, v)
	}
	return out
}
