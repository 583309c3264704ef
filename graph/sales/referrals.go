package sales

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/halo-oss/halo/graph"
)

// Referral statuses: the pipeline a lead moves along. A consultant submits it; Halo delivers it to
// the vendor (webhook or pull); the vendor accepts or rejects it, then reports contact, a quote and
// the outcome. Statuses only move forward.
const (
	RefSubmitted = "submitted"
	RefDelivered = "delivered"
	RefAccepted  = "accepted"
	RefRejected  = "rejected"
	RefContacted = "contacted"
	RefQuoted    = "quoted"
	RefWon       = "won"
	RefLost      = "lost"
)

// ReferralStatuses is the pipeline in order (for counts and the back office's columns).
var ReferralStatuses = []string{RefSubmitted, RefDelivered, RefAccepted, RefRejected, RefContacted, RefQuoted, RefWon, RefLost}

var referralStage = map[string]int{RefSubmitted: 0, RefDelivered: 1, RefAccepted: 2, RefRejected: 2, RefContacted: 3, RefQuoted: 4, RefWon: 5, RefLost: 5}

// CanMoveReferral says whether a referral may go from one status to another: delivered only from
// submitted; accepted or rejected once it was sent (a vendor may answer before Halo saw its
// delivery acknowledged); contacted, quoted, won and lost only after acceptance and forward.
func CanMoveReferral(from, to string) bool {
	switch to {
	case RefDelivered:
		return from == RefSubmitted
	case RefAccepted, RefRejected:
		return from == RefSubmitted || from == RefDelivered
	case RefContacted, RefQuoted, RefWon, RefLost:
		f, ok := referralStage[from]
		return ok && f >= 2 && from != RefRejected && from != RefWon && from != RefLost && referralStage[to] > f
	}
	return false
}

// ReferralClosed is a status after which the referral no longer protects attribution.
func ReferralClosed(status string) bool {
	return status == RefRejected || status == RefLost
}

// Consent channels: how the prospect agreed to be contacted (telemarketing rules ask for a record).
var consentChannels = map[string]bool{"web": true, "phone": true, "in_person": true, "paper": true, "email": true}

// DefaultConsentText is what the back office shows the prospect (or reads to them) unless the
// company configures its own; the exact text agreed to is recorded with each referral.
const DefaultConsentText = "I agree that the vendor named above, and the consultant who referred me, may contact me by phone, text message or e-mail about this product, including by automated means. Consent is not a condition of purchase. I can withdraw it at any time."

// Address is a prospect's address.
type Address struct {
	Line1      string `json:"line1,omitempty" example:"12 Main St"`
	Line2      string `json:"line2,omitempty"`
	City       string `json:"city,omitempty" example:"Austin"`
	State      string `json:"state,omitempty" example:"TX"`
	PostalCode string `json:"postal_code,omitempty" example:"78701"`
	Country    string `json:"country,omitempty" example:"US"`
}

// Prospect is the person referred: personal data, shown only to the referring consultant, the
// member who submitted it, admins and the vendor it was sent to, and never logged.
type Prospect struct {
	Name    string  `json:"name" example:"Pat Homeowner"`
	Email   string  `json:"email,omitempty" example:"pat@example.com"`
	Phone   string  `json:"phone,omitempty" example:"+15125550100"`
	Address Address `json:"address"`
}

// Consent is the prospect's recorded agreement to be contacted.
type Consent struct {
	Given   bool      `json:"given"`
	Text    string    `json:"text"`
	Channel string    `json:"channel" example:"web"` // web | phone | in_person | paper | email
	At      time.Time `json:"at"`
}

// ReferralRequest is POST /members/{id}/referrals.
type ReferralRequest struct {
	VendorID string   `json:"vendor_id" example:"sunpower-demo"`
	SKU      string   `json:"sku,omitempty" example:"solar-6kw"`
	Prospect Prospect `json:"prospect"`
	Notes    string   `json:"notes,omitempty"`
	Consent  Consent  `json:"consent"`
}

// ReferralChange is one step of a referral's history.
type ReferralChange struct {
	Status  string    `json:"status"`
	At      time.Time `json:"at"`
	Source  string    `json:"source"` // member | halo | vendor | admin
	EventID string    `json:"event_id,omitempty"`
	Note    string    `json:"note,omitempty"`
}

// DeliveryInfo is a referral's delivery as its owner sees it.
type DeliveryInfo struct {
	ID          string     `json:"id"`
	State       string     `json:"state"` // pending | delivered | dead | pull
	Attempts    int64      `json:"attempts"`
	DeliveredAt *time.Time `json:"delivered_at,omitempty"`
	Via         string     `json:"via,omitempty"` // webhook | pull
}

// Referral is a lead sent to a vendor, credited to its owner.
type Referral struct {
	ID          string           `json:"id"`
	VendorID    string           `json:"vendor_id"`
	VendorName  string           `json:"vendor_name,omitempty"`
	SKU         string           `json:"sku,omitempty"`
	ProductName string           `json:"product_name,omitempty"`
	OwnerID     string           `json:"owner_id"`     // the consultant credited
	SubmittedBy string           `json:"submitted_by"` // the member who submitted it (a customer refers a friend for its consultant)
	Status      string           `json:"status"`
	Prospect    Prospect         `json:"prospect"`
	Notes       string           `json:"notes,omitempty"`
	Consent     Consent          `json:"consent"`
	CreatedAt   time.Time        `json:"created_at"`
	UpdatedAt   time.Time        `json:"updated_at"`
	ExpiresAt   time.Time        `json:"expires_at"`
	Expired     bool             `json:"expired"` // past expires_at: it no longer protects attribution
	CustomerID  string           `json:"customer_id,omitempty"`
	Delivery    *DeliveryInfo    `json:"delivery,omitempty"`
	History     []ReferralChange `json:"history,omitempty"`
	Seq         int64            `json:"-"`
}

// ReferralSettings are a vendor's referral terms.
type ReferralSettings struct {
	// WebhookURL receives each referral as a signed POST; empty: the vendor pulls.
	WebhookURL string `json:"webhook_url" example:"https://leads.vendor.example/halo"`
	// ExpiryDays is how long a referral protects its consultant's attribution (default 90).
	ExpiryDays int `json:"expiry_days" example:"90"`
	// Paused holds webhook deliveries (the vendor's maintenance window); they queue and go out,
	// oldest first, when it is lifted.
	Paused bool `json:"paused"`
}

// ReferralVendor is what submitting a referral needs to know of a vendor.
type ReferralVendor struct {
	ID, Name string
	Active   bool
	Settings ReferralSettings
	Products map[string]string // sku → current name
}

// ReferralFilter selects referrals for a listing.
type ReferralFilter struct {
	Member   string // owned by or submitted by this member
	VendorID string
	Status   string
}

// PipelineCount is a cell of the pipeline: referrals of a vendor in a status.
type PipelineCount struct {
	VendorID string `json:"vendor_id"`
	Status   string `json:"status"`
	Count    int64  `json:"count"`
}

// Conversion is won referrals over all referrals of a consultant or a vendor.
type Conversion struct {
	ID        string `json:"id"`
	Name      string `json:"name,omitempty"`
	Referrals int64  `json:"referrals"`
	Won       int64  `json:"won"`
	Lost      int64  `json:"lost"`
	Rate      string `json:"conversion_rate" example:"25.00"` // percent won, two decimals
}

// ReferralConversion is the admin dashboard's referral table.
type ReferralConversion struct {
	ByVendor     []Conversion `json:"by_vendor"`
	ByConsultant []Conversion `json:"by_consultant"` // the 20 consultants with most referrals
}

// CatalogVendor is a vendor a member can refer to, with its products.
type CatalogVendor struct {
	ID         string        `json:"id"`
	Name       string        `json:"name"`
	ExpiryDays int           `json:"expiry_days"`
	Products   []CatalogItem `json:"products"`
}

// CatalogItem is a product a referral can name.
type CatalogItem struct {
	SKU  string `json:"sku"`
	Name string `json:"name"`
}

// ReferralCatalog is what the referral form offers.
type ReferralCatalog struct {
	Vendors     []CatalogVendor `json:"vendors"`
	ConsentText string          `json:"consent_text"`
}

// NewDelivery is the outbox row written with a referral, in the same transaction.
type NewDelivery struct {
	ID, VendorID, ReferralID string
	Body                     string
	State                    string // pending (webhook) | pull
	NextAt                   time.Time
}

// ReferralStore keeps referrals.
type ReferralStore interface {
	ReferralVendor(ctx context.Context, vendorID string) (*ReferralVendor, error)
	ReferralVendors(ctx context.Context) ([]ReferralVendor, error)
	// Submitter returns a member's plan and sponsor (who is credited when a customer refers).
	Submitter(ctx context.Context, memberID string) (plan, sponsorID string, err error)
	// CreateReferral writes the referral, its first history entry and its outbox row in one
	// transaction, numbering it in the vendor's pull sequence.
	CreateReferral(ctx context.Context, r Referral, d NewDelivery) error
	Referral(ctx context.Context, id string) (*Referral, error)
	Referrals(ctx context.Context, f ReferralFilter, offset, limit int) ([]Referral, bool, error)
	Pipeline(ctx context.Context, member string) ([]PipelineCount, error)
	SetReferralSettings(ctx context.Context, vendorID string, s ReferralSettings) error
	// PullReferrals returns the vendor's referrals numbered after `after`, oldest first, and marks
	// the submitted ones delivered (the vendor has them now).
	PullReferrals(ctx context.Context, vendorID string, after int64, limit int, now time.Time) ([]Referral, error)
	Conversion(ctx context.Context, topConsultants int) (*ReferralConversion, error)
}

// URLGuard checks an outbound URL against server-side request forgery: it must not reach
// private, loopback or link-local addresses unless configuration allows them.
type URLGuard interface {
	Check(ctx context.Context, rawURL string) error
}

// ReferralService submits and shows referrals.
type ReferralService struct {
	Store  ReferralStore
	Guard  URLGuard
	Audit  *graph.Auditor
	Now    func() time.Time
	Outbox interface{ Kick() } // wakes the local deliverer
	// ConsentText is shown on the referral form (default DefaultConsentText).
	ConsentText string
}

// DefaultReferralExpiryDays is how long a referral protects attribution unless the vendor says otherwise.
const DefaultReferralExpiryDays = 90

func clean(s string, max int) (string, bool) {
	s = strings.TrimSpace(s)
	return s, len(s) <= max && !strings.ContainsRune(s, 0)
}

// Submit records a referral from member (a consultant for itself; a customer for its
// consultant) and queues its delivery to the vendor.
func (s *ReferralService) Submit(ctx context.Context, member string, req ReferralRequest) (*Referral, error) {
	now := s.Now().UTC()
	var details []graph.Detail
	bad := func(f, format string, a ...any) {
		details = append(details, graph.Detail{Field: f, Message: strings.TrimSpace(fmt.Sprintf(format, a...))})
	}
	p := req.Prospect
	var ok bool
	if p.Name, ok = clean(p.Name, 200); !ok || p.Name == "" {
		bad("prospect.name", "is required (at most 200 characters)")
	}
	p.Email = graph.NormalizeEmail(p.Email)
	if p.Email != "" && !graph.ValidEmail(p.Email) {
		bad("prospect.email", "is not an e-mail address")
	}
	if p.Phone, ok = clean(p.Phone, 32); !ok || (p.Phone != "" && !validPhone(p.Phone)) {
		bad("prospect.phone", "must be a phone number (digits, spaces, +, -, parentheses; 7 to 15 digits)")
	}
	if p.Email == "" && p.Phone == "" {
		bad("prospect", "needs an e-mail address or a phone number so the vendor can reach them")
	}
	for _, f := range []struct {
		name string
		v    *string
		max  int
	}{{"line1", &p.Address.Line1, 200}, {"line2", &p.Address.Line2, 200}, {"city", &p.Address.City, 100}, {"state", &p.Address.State, 50},
		{"postal_code", &p.Address.PostalCode, 20}, {"country", &p.Address.Country, 2}} {
		if *f.v, ok = clean(*f.v, f.max); !ok {
			bad("prospect.address."+f.name, "is at most %d characters", f.max)
		}
	}
	if p.Address.Country == "" {
		p.Address.Country = "US"
	}
	p.Address.Country = strings.ToUpper(p.Address.Country)
	notes, ok := clean(req.Notes, 2000)
	if !ok {
		bad("notes", "is at most 2000 characters")
	}
	c := req.Consent
	c.Text, ok = clean(c.Text, 4000)
	switch {
	case !c.Given:
		bad("consent.given", "must be true: a prospect is referred only with their consent to be contacted")
	case !ok || c.Text == "":
		bad("consent.text", "is required: the exact text the prospect agreed to (at most 4000 characters)")
	}
	if !consentChannels[c.Channel] {
		bad("consent.channel", "must be one of web, phone, in_person, paper, email")
	}
	if c.At.IsZero() {
		c.At = now
	}
	c.At = c.At.UTC()
	if c.At.After(now.Add(5*time.Minute)) || c.At.Before(now.AddDate(0, 0, -30)) {
		bad("consent.at", "must be within the last 30 days, not in the future")
	}
	if !graph.ValidID(req.VendorID) {
		bad("vendor_id", "is required")
	}
	if len(details) > 0 {
		return nil, graph.InvalidDetails(details)
	}
	v, err := s.Store.ReferralVendor(ctx, req.VendorID)
	if graph.KindOf(err) == graph.KindNotFound {
		return nil, graph.InvalidField("vendor_id", "vendor %s does not exist", req.VendorID)
	}
	if err != nil {
		return nil, err
	}
	if !v.Active {
		return nil, graph.InvalidField("vendor_id", "vendor %s is not taking referrals (deactivated)", req.VendorID)
	}
	productName := ""
	if req.SKU != "" {
		name, found := v.Products[req.SKU]
		if !found {
			return nil, graph.InvalidField("sku", "%s is not a product of %s", req.SKU, req.VendorID)
		}
		productName = name
	}
	plan, sponsor, err := s.Store.Submitter(ctx, member)
	if err != nil {
		return nil, err
	}
	owner := member
	if plan == "customer" {
		owner = sponsor // a customer's friend is credited to the customer's consultant
	}
	days := v.Settings.ExpiryDays
	if days <= 0 {
		days = DefaultReferralExpiryDays
	}
	r := Referral{ID: graph.NewID("ref"), VendorID: v.ID, VendorName: v.Name, SKU: req.SKU, ProductName: productName, OwnerID: owner, SubmittedBy: member,
		Status: RefSubmitted, Prospect: p, Notes: notes, Consent: c, CreatedAt: now, UpdatedAt: now, ExpiresAt: now.AddDate(0, 0, days)}
	d := NewDelivery{ID: graph.NewID("dlv"), VendorID: v.ID, ReferralID: r.ID, State: DeliveryPending, NextAt: now}
	if v.Settings.WebhookURL == "" {
		d.State = DeliveryPull
	}
	body, err := json.Marshal(WebhookBody{ID: d.ID, Type: "referral.created", CreatedAt: now, Referral: vendorView(r)})
	if err != nil {
		return nil, graph.Internal(err)
	}
	d.Body = string(body)
	if err := s.Store.CreateReferral(ctx, r, d); err != nil {
		return nil, err
	}
	r.History = []ReferralChange{{Status: RefSubmitted, At: now, Source: "member", Note: "submitted by " + member}}
	r.Delivery = &DeliveryInfo{ID: d.ID, State: d.State}
	// The audit names the referral, never the prospect.
	s.Audit.Record(ctx, "referral.submit", "referral", r.ID, nil, map[string]any{"vendor_id": r.VendorID, "sku": r.SKU, "owner_id": owner, "submitted_by": member, "consent_channel": c.Channel})
	if s.Outbox != nil && d.State == DeliveryPending {
		s.Outbox.Kick()
	}
	return &r, nil
}

func validPhone(p string) bool {
	digits := 0
	for _, c := range p {
		switch {
		case c >= '0' && c <= '9':
			digits++
		case c == ' ' || c == '+' || c == '-' || c == '(' || c == ')' || c == '.':
		default:
			return false
		}
	}
	return digits >= 7 && digits <= 15
}

// VendorReferral is a referral as the vendor receives it (webhook body and pull answer): the lead,
// its consent, and who is credited — nothing of Halo's internals.
type VendorReferral struct {
	ID        string    `json:"id"`
	VendorID  string    `json:"vendor_id"`
	SKU       string    `json:"sku,omitempty"`
	OwnerID   string    `json:"consultant_id"`
	Prospect  Prospect  `json:"prospect"`
	Notes     string    `json:"notes,omitempty"`
	Consent   Consent   `json:"consent"`
	CreatedAt time.Time `json:"created_at"`
	ExpiresAt time.Time `json:"expires_at"`
	Cursor    string    `json:"cursor,omitempty"` // in a pull: pass it back to continue after this one
}

// WebhookBody is what Halo POSTs to a vendor's webhook URL.
type WebhookBody struct {
	ID        string         `json:"id"` // the delivery id, also the Idempotency-Key header
	Type      string         `json:"type" example:"referral.created"`
	CreatedAt time.Time      `json:"created_at"`
	Referral  VendorReferral `json:"referral"`
}

func vendorView(r Referral) VendorReferral {
	return VendorReferral{ID: r.ID, VendorID: r.VendorID, SKU: r.SKU, OwnerID: r.OwnerID, Prospect: r.Prospect, Notes: r.Notes, Consent: r.Consent,
		CreatedAt: r.CreatedAt, ExpiresAt: r.ExpiresAt}
}

// mark fills what is derived from the clock.
func (s *ReferralService) mark(r *Referral) {
	r.Expired = !s.Now().Before(r.ExpiresAt)
}

// Get returns a referral with its history to who may see it: admins, its owner, who submitted it.
func (s *ReferralService) Get(ctx context.Context, p graph.Principal, id string) (*Referral, error) {
	if !graph.ValidID(id) {
		return nil, graph.NotFound("referral %s not found", id)
	}
	r, err := s.Store.Referral(ctx, id)
	if err != nil {
		return nil, err
	}
	if p.Role != graph.RoleAdmin && p.ID != r.OwnerID && p.ID != r.SubmittedBy {
		return nil, graph.NotFound("referral %s not found", id)
	}
	s.mark(r)
	return r, nil
}

// List pages referrals (a member's own, or any for admins through f).
func (s *ReferralService) List(ctx context.Context, f ReferralFilter, cursor string, limit int) (*graph.Page[Referral], error) {
	if f.Status != "" {
		if _, ok := referralStage[f.Status]; !ok {
			return nil, graph.InvalidField("status", "must be one of %s", strings.Join(ReferralStatuses, ", "))
		}
	}
	pg, err := graph.Paginate(cursor, limit, func(off, lim int) ([]Referral, bool, error) {
		return s.Store.Referrals(ctx, f, off, lim)
	})
	if err != nil {
		return nil, err
	}
	for i := range pg.Items {
		s.mark(&pg.Items[i])
	}
	return pg, nil
}

// PipelineAnswer is a member's pipeline with the statuses in pipeline order.
type PipelineAnswer struct {
	Pipeline []PipelineCount `json:"pipeline"`
	Statuses []string        `json:"statuses"`
}

// Pipeline counts a member's referrals by vendor and status.
func (s *ReferralService) Pipeline(ctx context.Context, member string) (*PipelineAnswer, error) {
	p, err := s.Store.Pipeline(ctx, member)
	if err != nil {
		return nil, err
	}
	return &PipelineAnswer{Pipeline: p, Statuses: ReferralStatuses}, nil
}

// Catalog lists the active vendors and their products for the referral form.
func (s *ReferralService) Catalog(ctx context.Context) (*ReferralCatalog, error) {
	vs, err := s.Store.ReferralVendors(ctx)
	if err != nil {
		return nil, err
	}
	out := &ReferralCatalog{Vendors: []CatalogVendor{}, ConsentText: s.consentText()}
	for _, v := range vs {
		if !v.Active {
			continue
		}
		cv := CatalogVendor{ID: v.ID, Name: v.Name, ExpiryDays: v.Settings.ExpiryDays, Products: []CatalogItem{}}
		if cv.ExpiryDays <= 0 {
			cv.ExpiryDays = DefaultReferralExpiryDays
		}
		for sku, name := range v.Products {
			cv.Products = append(cv.Products, CatalogItem{SKU: sku, Name: name})
		}
		sortItems(cv.Products)
		out.Vendors = append(out.Vendors, cv)
	}
	return out, nil
}

func (s *ReferralService) consentText() string {
	if s.ConsentText != "" {
		return s.ConsentText
	}
	return DefaultConsentText
}

// Settings returns a vendor's referral terms.
func (s *ReferralService) Settings(ctx context.Context, vendorID string) (*ReferralSettings, error) {
	v, err := s.Store.ReferralVendor(ctx, vendorID)
	if err != nil {
		return nil, err
	}
	st := v.Settings
	if st.ExpiryDays <= 0 {
		st.ExpiryDays = DefaultReferralExpiryDays
	}
	return &st, nil
}

// SetSettings changes a vendor's referral terms. The webhook URL must be HTTPS (plain HTTP only
// for hosts the allowlist names) and pass the SSRF guard.
func (s *ReferralService) SetSettings(ctx context.Context, vendorID string, in ReferralSettings) (*ReferralSettings, error) {
	before, err := s.Store.ReferralVendor(ctx, vendorID)
	if err != nil {
		return nil, err
	}
	in.WebhookURL = strings.TrimSpace(in.WebhookURL)
	if in.ExpiryDays == 0 {
		in.ExpiryDays = DefaultReferralExpiryDays
	}
	if in.ExpiryDays < 1 || in.ExpiryDays > 730 {
		return nil, graph.InvalidField("expiry_days", "must be from 1 to 730 days")
	}
	if in.WebhookURL != "" {
		u, err := url.Parse(in.WebhookURL)
		switch {
		case err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http"):
			return nil, graph.InvalidField("webhook_url", "must be an absolute https:// URL")
		case u.User != nil:
			return nil, graph.InvalidField("webhook_url", "must not carry a user name or password")
		case len(in.WebhookURL) > 2000:
			return nil, graph.InvalidField("webhook_url", "is at most 2000 characters")
		}
		if err := s.Guard.Check(ctx, in.WebhookURL); err != nil {
			return nil, graph.InvalidField("webhook_url", "%s", graph.AsError(err).Message)
		}
	}
	if err := s.Store.SetReferralSettings(ctx, vendorID, in); err != nil {
		return nil, err
	}
	s.Audit.Record(ctx, "vendor.referral_settings", "vendor", vendorID, before.Settings, in)
	if s.Outbox != nil && !in.Paused {
		s.Outbox.Kick() // deliveries held by a pause go now
	}
	return &in, nil
}

// PullPage is the answer of the vendors' signed pull.
type PullPage struct {
	Referrals  []VendorReferral `json:"referrals"`
	NextCursor string           `json:"next_cursor"`
}

// Pull returns a vendor's referrals after cursor (an opaque number; "" from the start) and marks
// them delivered. A vendor that loses an answer pulls again from its last cursor: at least once.
func (s *ReferralService) Pull(ctx context.Context, vendorID, cursor string, limit int) (*PullPage, error) {
	var after int64
	if cursor != "" {
		n, err := parseCursor(cursor)
		if err != nil {
			return nil, graph.InvalidField("cursor", "must be a next_cursor this endpoint returned")
		}
		after = n
	}
	limit = graph.Clamp(limit, 1, 500, 100)
	rs, err := s.Store.PullReferrals(ctx, vendorID, after, limit, s.Now().UTC())
	if err != nil {
		return nil, err
	}
	out := &PullPage{Referrals: []VendorReferral{}, NextCursor: formatCursor(after)}
	for _, r := range rs {
		v := vendorView(r)
		v.Cursor = formatCursor(r.Seq)
		out.Referrals = append(out.Referrals, v)
		out.NextCursor = v.Cursor
	}
	return out, nil
}

// Conversion is the referral conversion table of the admin dashboard.
func (s *ReferralService) Conversion(ctx context.Context) (*ReferralConversion, error) {
	c, err := s.Store.Conversion(ctx, 20)
	if err != nil {
		return nil, err
	}
	for _, xs := range [][]Conversion{c.ByVendor, c.ByConsultant} {
		for i := range xs {
			xs[i].Rate = graph.Percent(xs[i].Won, xs[i].Referrals)
		}
	}
	return c, nil
}
