// Package sales is what vendors sell through the network: vendors and their signing secrets,
// products and their versions (PLAN.md §5), signed ingest of sign-ups, activations and
// cancellations (PLAN.md §6), and what each member holds.
package sales

import (
	"context"
	"strings"
	"time"

	"github.com/halo-oss/halo/engine"
	"github.com/halo-oss/halo/graph"
)

// Vendor sells services through the network (PLAN.md §5).
type Vendor struct {
	ID              string     `json:"id" example:"sunpower-demo"`
	Name            string     `json:"name" example:"SunPower (demo)"`
	Active          bool       `json:"active"`
	CreatedAt       time.Time  `json:"created_at"`
	SecretRotatedAt *time.Time `json:"secret_rotated_at,omitempty"`
	// PreviousValidUntil is the end of the grace period in which the previous secret still verifies.
	PreviousValidUntil *time.Time `json:"previous_secret_valid_until,omitempty"`
}

// VendorWithSecret is the answer that shows a signing secret, once.
type VendorWithSecret struct {
	Vendor
	SigningSecret string `json:"signing_secret"`
}

// VendorSecrets is what signature verification needs (sealed values).
type VendorSecrets struct {
	VendorID       string
	Active         bool
	Sealed         string
	PreviousSealed string
	PreviousUntil  time.Time
}

// ProductVersion is a product's values from EffectiveFrom on.
type ProductVersion struct {
	Name          string    `json:"name"`
	BV            string    `json:"bv" example:"400"`
	CV            string    `json:"cv" example:"1200.00"`
	Retail        string    `json:"retail_commission" example:"300.00"`
	HoldDays      int       `json:"hold_days"` // PLAN.md §9: days an activation waits before a run accounts it
	EffectiveFrom time.Time `json:"effective_from"`
}

// Product is a vendor's product with its version history, newest last.
type Product struct {
	VendorID string           `json:"vendor_id"`
	SKU      string           `json:"sku"`
	Versions []ProductVersion `json:"versions"`
}

// ProductRequest is PUT /vendors/{vendor_id}/products/{sku}.
type ProductRequest struct {
	Name          string     `json:"name" example:"6 kW solar installation"`
	BV            string     `json:"bv" example:"400"`
	CV            string     `json:"cv" example:"1200.00"`
	Retail        string     `json:"retail_commission" example:"300.00"`
	HoldDays      int        `json:"hold_days" example:"3"` // 0–14 (PLAN.md §9)
	EffectiveFrom *time.Time `json:"effective_from,omitempty"`
}

// ProductValues is a validated product version in exact units.
type ProductValues struct {
	Name           string
	BV, CV, Retail engine.Units
	HoldDays       int
	EffectiveFrom  time.Time
}

// VendorStore keeps vendors and products.
type VendorStore interface {
	CreateVendor(ctx context.Context, v Vendor, sealed string) error
	Vendor(ctx context.Context, id string) (*Vendor, error)
	Vendors(ctx context.Context) ([]Vendor, error)
	RotateVendorSecret(ctx context.Context, id, sealed, previousSealed string, at, previousUntil time.Time) error
	SetVendorActive(ctx context.Context, id string, active bool) error
	VendorSecrets(ctx context.Context, id string) (*VendorSecrets, error)
	PutProduct(ctx context.Context, vendorID, sku string, v ProductValues) (*Product, error)
	Products(ctx context.Context, vendorID string) ([]Product, error)
}

// VendorService manages vendors and their catalogues.
type VendorService struct {
	Store VendorStore
	Box   *SecretBox
	Now   func() time.Time
	// Grace is how long a rotated-out secret still verifies (default 24h).
	Grace time.Duration
	Audit *graph.Auditor
}

// CreateVendorRequest is POST /vendors.
type CreateVendorRequest struct {
	ID   string `json:"id" example:"sunpower"`
	Name string `json:"name" example:"SunPower"`
}

// Create registers a vendor and returns its signing secret, shown this once.
func (s *VendorService) Create(ctx context.Context, req CreateVendorRequest) (*VendorWithSecret, error) {
	var details []graph.Detail
	if !graph.ValidID(req.ID) {
		details = append(details, graph.Detail{Field: "id", Message: "must match ^[A-Za-z0-9._-]{1,64}$"})
	}
	name := strings.TrimSpace(req.Name)
	if name == "" || len(name) > 200 {
		details = append(details, graph.Detail{Field: "name", Message: "is required (at most 200 characters)"})
	}
	if len(details) > 0 {
		return nil, graph.InvalidDetails(details)
	}
	secret, sealed, err := s.newSecret()
	if err != nil {
		return nil, err
	}
	v := Vendor{ID: req.ID, Name: name, Active: true, CreatedAt: s.Now().UTC()}
	if err := s.Store.CreateVendor(ctx, v, sealed); err != nil {
		if graph.KindOf(err) == graph.KindConflict {
			return nil, graph.InvalidField("id", "vendor %s already exists", req.ID)
		}
		return nil, err
	}
	s.Audit.Record(ctx, "vendor.create", "vendor", v.ID, nil, v) // never the secret
	return &VendorWithSecret{Vendor: v, SigningSecret: secret}, nil
}

// Rotate issues a new signing secret; the old one verifies until the grace period ends.
func (s *VendorService) Rotate(ctx context.Context, id string, grace *time.Duration) (*VendorWithSecret, error) {
	sec, err := s.Store.VendorSecrets(ctx, id)
	if err != nil {
		return nil, err
	}
	g := s.Grace
	if g == 0 {
		g = 24 * time.Hour
	}
	if grace != nil {
		if *grace < 0 || *grace > 30*24*time.Hour {
			return nil, graph.InvalidField("grace_seconds", "must be between 0 and 30 days")
		}
		g = *grace
	}
	secret, sealed, err := s.newSecret()
	if err != nil {
		return nil, err
	}
	now := s.Now().UTC()
	if err := s.Store.RotateVendorSecret(ctx, id, sealed, sec.Sealed, now, now.Add(g)); err != nil {
		return nil, err
	}
	v, err := s.Store.Vendor(ctx, id)
	if err != nil {
		return nil, err
	}
	s.Audit.Record(ctx, "vendor.rotate_secret", "vendor", id, nil, v)
	return &VendorWithSecret{Vendor: *v, SigningSecret: secret}, nil
}

// Get returns a vendor (never its secret).
func (s *VendorService) Get(ctx context.Context, id string) (*Vendor, error) {
	return s.Store.Vendor(ctx, id)
}

// List returns every vendor.
func (s *VendorService) List(ctx context.Context) ([]Vendor, error) { return s.Store.Vendors(ctx) }

// SetActive activates or deactivates a vendor; an inactive vendor's events are refused.
func (s *VendorService) SetActive(ctx context.Context, id string, active bool) (*Vendor, error) {
	before, err := s.Store.Vendor(ctx, id)
	if err != nil {
		return nil, err
	}
	if err := s.Store.SetVendorActive(ctx, id, active); err != nil {
		return nil, err
	}
	after, err := s.Store.Vendor(ctx, id)
	if err == nil {
		s.Audit.Record(ctx, "vendor.set_active", "vendor", id, before, after)
	}
	return after, err
}

// PutProduct records a product version (PLAN.md §5: an activation uses the values in effect at
// its occurred_at; before the first version, the first version).
func (s *VendorService) PutProduct(ctx context.Context, vendorID, sku string, req ProductRequest) (*Product, error) {
	var details []graph.Detail
	bad := func(f, m string) { details = append(details, graph.Detail{Field: f, Message: m}) }
	if !graph.ValidID(sku) {
		bad("sku", "must match ^[A-Za-z0-9._-]{1,64}$")
	}
	v := ProductValues{Name: strings.TrimSpace(req.Name)}
	if len(v.Name) > 200 {
		bad("name", "is at most 200 characters")
	}
	if v.Name == "" {
		v.Name = sku
	}
	for _, f := range []struct {
		name, val string
		dst       *engine.Units
	}{{"bv", req.BV, &v.BV}, {"cv", req.CV, &v.CV}, {"retail_commission", req.Retail, &v.Retail}} {
		u, err := graph.ParseAmount(f.val)
		if err != nil || u < 0 {
			bad(f.name, "must be a non-negative decimal string with at most two decimals, at most "+graph.MaxAmount.String())
			continue
		}
		*f.dst = u
	}
	if req.HoldDays < 0 || req.HoldDays > 14 {
		bad("hold_days", "must be a whole number of days from 0 to 14")
	}
	v.HoldDays = req.HoldDays
	v.EffectiveFrom = s.Now().UTC()
	if req.EffectiveFrom != nil {
		v.EffectiveFrom = req.EffectiveFrom.UTC()
	}
	if len(details) > 0 {
		return nil, graph.InvalidDetails(details)
	}
	p, err := s.Store.PutProduct(ctx, vendorID, sku, v)
	if err == nil {
		s.Audit.Record(ctx, "vendor.put_product", "product", vendorID+"/"+sku, nil, p)
	}
	return p, err
}

// Products lists a vendor's products with their history.
func (s *VendorService) Products(ctx context.Context, vendorID string) ([]Product, error) {
	if _, err := s.Store.Vendor(ctx, vendorID); err != nil {
		return nil, err
	}
	return s.Store.Products(ctx, vendorID)
}

// newSecret makes a signing secret and its sealed (encrypted) form.
func (s *VendorService) newSecret() (secret, sealed string, err error) {
	if secret, err = newSigningSecret(); err != nil {
		return "", "", err
	}
	sealed, err = s.Box.Seal(secret)
	return secret, sealed, err
}
