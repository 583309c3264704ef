package sales

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/halo-oss/halo/engine"
	"github.com/halo-oss/halo/graph"
)

var t0 = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// memSales is a vendor catalogue and an event store in memory, with the ingest transaction's
// semantics: one batch at a time, nothing written when it fails.
type memSales struct {
	mu       sync.Mutex
	vendors  map[string]*Vendor
	secrets  map[string]*VendorSecrets
	products map[string][]ProductValues // vendor/sku
	events   map[string]bool            // vendor/event id
	members  map[string]MemberInfo
	acts     map[string]ActivationInfo // vendor/activation id
	links    map[string]bool           // vendor/customer
	rejected []RejectedEvent
	writes   []IngestWrite
}

func newMemSales() *memSales {
	return &memSales{vendors: map[string]*Vendor{}, secrets: map[string]*VendorSecrets{}, products: map[string][]ProductValues{},
		events: map[string]bool{}, acts: map[string]ActivationInfo{}, links: map[string]bool{},
		members: map[string]MemberInfo{
			"root": {ID: "root", Plan: "consultant_plus", Email: "root@example.com", RegisteredAt: t0.AddDate(-1, 0, 0)},
			"ana":  {ID: "ana", Plan: "consultant", SponsorID: "root", Email: "ana@example.com", RegisteredAt: t0.AddDate(0, -1, 0), SDepth: 1},
		}}
}

func (m *memSales) CreateVendor(_ context.Context, v Vendor, sealed string) error {
	if _, dup := m.vendors[v.ID]; dup {
		return graph.Conflict("vendor exists")
	}
	m.vendors[v.ID] = &v
	m.secrets[v.ID] = &VendorSecrets{VendorID: v.ID, Active: true, Sealed: sealed}
	return nil
}

func (m *memSales) Vendor(_ context.Context, id string) (*Vendor, error) {
	if v, ok := m.vendors[id]; ok {
		c := *v
		return &c, nil
	}
	return nil, graph.NotFound("vendor %s not found", id)
}

func (m *memSales) Vendors(context.Context) ([]Vendor, error) { return nil, nil }

func (m *memSales) RotateVendorSecret(_ context.Context, id, sealed, previous string, at, until time.Time) error {
	s := m.secrets[id]
	s.Sealed, s.PreviousSealed, s.PreviousUntil = sealed, previous, until
	m.vendors[id].SecretRotatedAt, m.vendors[id].PreviousValidUntil = &at, &until
	return nil
}

func (m *memSales) SetVendorActive(_ context.Context, id string, active bool) error {
	m.vendors[id].Active, m.secrets[id].Active = active, active
	return nil
}

func (m *memSales) VendorSecrets(_ context.Context, id string) (*VendorSecrets, error) {
	if s, ok := m.secrets[id]; ok {
		c := *s
		return &c, nil
	}
	return nil, graph.NotFound("vendor %s not found", id)
}

func (m *memSales) PutProduct(_ context.Context, vendorID, sku string, v ProductValues) (*Product, error) {
	m.products[vendorID+"/"+sku] = append(m.products[vendorID+"/"+sku], v)
	return &Product{VendorID: vendorID, SKU: sku}, nil
}

func (m *memSales) Products(context.Context, string) ([]Product, error) { return nil, nil }

func (m *memSales) InVendorTx(ctx context.Context, vendorID string, _ bool, fn func(IngestTx) error) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	return fn(&memIngestTx{m: m, vendor: vendorID})
}

func (m *memSales) LogRejected(_ context.Context, rs []RejectedEvent) error {
	m.rejected = append(m.rejected, rs...)
	return nil
}

func (m *memSales) Rejected(context.Context, string, int, int) ([]RejectedEvent, bool, error) {
	return m.rejected, false, nil
}

type memIngestTx struct {
	m      *memSales
	vendor string
}

func (t *memIngestTx) Load(_ context.Context, q IngestQuery) (*IngestState, error) {
	st := &IngestState{Events: map[string]bool{}, Members: map[string]MemberInfo{}, EmailOwner: map[string]string{},
		Activations: map[string]ActivationInfo{}, Products: map[string][]ProductValues{}, VendorCustomers: map[string]bool{}}
	for _, id := range q.EventIDs {
		if t.m.events[t.vendor+"/"+id] {
			st.Events[id] = true
		}
	}
	for id, mi := range t.m.members {
		st.Members[id] = mi
		st.EmailOwner[mi.Email] = id
		if t.m.links[t.vendor+"/"+id] {
			st.VendorCustomers[id] = true
		}
	}
	for _, a := range q.ActivationIDs {
		if x, ok := t.m.acts[t.vendor+"/"+a]; ok {
			st.Activations[a] = x
		}
	}
	for _, sku := range q.SKUs {
		if vs := t.m.products[t.vendor+"/"+sku]; len(vs) > 0 {
			st.Products[sku] = vs
		}
	}
	return st, nil
}

func (t *memIngestTx) Write(_ context.Context, w IngestWrite) error {
	m := t.m
	m.writes = append(m.writes, w)
	for _, e := range w.Events {
		m.events[t.vendor+"/"+e.ID] = true
	}
	for _, c := range w.Customers {
		m.members[c.ID] = MemberInfo{ID: c.ID, Plan: "customer", SponsorID: c.SponsorID, Email: c.Email, RegisteredAt: c.RegisteredAt, SDepth: c.SDepth}
	}
	for _, l := range w.Links {
		m.links[t.vendor+"/"+l.CustomerID] = true
	}
	for _, a := range w.Activations {
		m.acts[t.vendor+"/"+a.ActivationID] = ActivationInfo{SaleID: a.SaleID, ActivationID: a.ActivationID, MemberID: a.MemberID, OccurredAt: a.OccurredAt}
	}
	for _, c := range w.Cancellations {
		for k, a := range m.acts {
			if a.SaleID == c.SaleID {
				a.Cancelled = true
				m.acts[k] = a
			}
		}
	}
	return nil
}

type clock struct{ t time.Time }

func (c *clock) Now() time.Time { return c.t }

func services() (*VendorService, *IngestService, *memSales, *clock) {
	st, c := newMemSales(), &clock{t: t0}
	box := NewSecretBox([]byte("a test service secret of 32 bytes!"))
	return &VendorService{Store: st, Box: box, Now: c.Now}, &IngestService{Store: st, Box: box, Now: c.Now, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}, st, c
}

func sign(secret string, ts int64, body []byte) (string, string) {
	m := hmac.New(sha256.New, []byte(secret))
	fmt.Fprintf(m, "%d.", ts)
	m.Write(body)
	return strconv.FormatInt(ts, 10), "sha256=" + hex.EncodeToString(m.Sum(nil))
}

// API.md, ingest: HMAC over "timestamp.body" within five minutes; a rotated-out secret verifies
// during its grace period only; a deactivated vendor is refused even when signed right.
func TestSignaturesRotationAndDeactivation(t *testing.T) {
	vendors, ingest, st, c := services()
	ctx := context.Background()
	v, err := vendors.Create(ctx, CreateVendorRequest{ID: "solar", Name: " Solar Co "})
	if err != nil {
		t.Fatal(err)
	}
	if v.Name != "Solar Co" || !strings.HasPrefix(v.SigningSecret, "whsec_") || strings.Contains(st.secrets["solar"].Sealed, v.SigningSecret) {
		t.Fatalf("vendor %+v; the secret is kept sealed, never as given", v)
	}
	body := []byte(`{"events":[]}`)
	ts, sig := sign(v.SigningSecret, c.t.Unix(), body)
	if err := ingest.Authenticate(ctx, "solar", ts, sig, body); err != nil {
		t.Fatalf("a good signature: %v", err)
	}
	for name, err := range map[string]error{
		"another body": ingest.Authenticate(ctx, "solar", ts, sig, []byte(`{"events":[{}]}`)),
		"an old timestamp": func() error {
			ts, sig := sign(v.SigningSecret, c.t.Add(-6*time.Minute).Unix(), body)
			return ingest.Authenticate(ctx, "solar", ts, sig, body)
		}(),
		"no scheme":        ingest.Authenticate(ctx, "solar", ts, strings.TrimPrefix(sig, "sha256="), body),
		"unknown vendor":   ingest.Authenticate(ctx, "nobody", ts, sig, body),
		"not unix seconds": ingest.Authenticate(ctx, "solar", "yesterday", sig, body),
	} {
		if graph.KindOf(err) != graph.KindUnauthorized {
			t.Errorf("%s: %v", name, err)
		}
	}
	grace := time.Hour
	rot, err := vendors.Rotate(ctx, "solar", &grace)
	if err != nil || rot.SigningSecret == v.SigningSecret {
		t.Fatalf("rotate: %v", err)
	}
	c.t = c.t.Add(30 * time.Minute)
	for _, secret := range []string{v.SigningSecret, rot.SigningSecret} {
		ts, sig := sign(secret, c.t.Unix(), body)
		if err := ingest.Authenticate(ctx, "solar", ts, sig, body); err != nil {
			t.Errorf("within the grace period both secrets verify: %v", err)
		}
	}
	c.t = c.t.Add(time.Hour)
	ts, sig = sign(v.SigningSecret, c.t.Unix(), body)
	if err := ingest.Authenticate(ctx, "solar", ts, sig, body); graph.KindOf(err) != graph.KindUnauthorized {
		t.Errorf("after the grace period the old secret fails: %v", err)
	}
	long := 31 * 24 * time.Hour
	if _, err := vendors.Rotate(ctx, "solar", &long); graph.KindOf(err) != graph.KindInvalid {
		t.Errorf("a grace beyond 30 days: %v", err)
	}
	if _, err := vendors.SetActive(ctx, "solar", false); err != nil {
		t.Fatal(err)
	}
	ts, sig = sign(rot.SigningSecret, c.t.Unix(), body)
	if err := ingest.Authenticate(ctx, "solar", ts, sig, body); graph.KindOf(err) != graph.KindForbidden {
		t.Errorf("a deactivated vendor: %v", err)
	}
	if _, err := vendors.Create(ctx, CreateVendorRequest{ID: "solar", Name: "Again"}); graph.KindOf(err) != graph.KindInvalid {
		t.Errorf("a second vendor with one id: %v", err)
	}
}

func TestProductVersionsAreValidated(t *testing.T) {
	vendors, _, st, _ := services()
	ctx := context.Background()
	_, err := vendors.PutProduct(ctx, "solar", "bad sku", ProductRequest{BV: "-1", CV: "1.234", Retail: "x"})
	want := []string{"sku", "bv", "cv", "retail_commission"}
	var got []string
	for _, d := range graph.AsError(err).Details {
		got = append(got, d.Field)
	}
	if !slices.Equal(got, want) {
		t.Errorf("fields %v, want %v", got, want)
	}
	if _, err := vendors.PutProduct(ctx, "solar", "THERMO", ProductRequest{BV: "10", CV: "30.00", Retail: "15"}); err != nil {
		t.Fatal(err)
	}
	v := st.products["solar/THERMO"][0]
	if v.Name != "THERMO" || v.BV != 1000 || v.CV != 3000 || v.Retail != 1500 || !v.EffectiveFrom.Equal(t0) {
		t.Errorf("a version without a name is named by its SKU, effective now: %+v", v)
	}
}

func batch(events ...string) []byte { return []byte(`{"events":[` + strings.Join(events, ",") + `]}`) }

func ev(id, typ string, at time.Time, data string) string {
	return fmt.Sprintf(`{"id":%q,"type":%q,"occurred_at":%q,"data":%s}`, id, typ, at.Format(time.RFC3339), data)
}

// PLAN.md §3, §5, §6 and API.md: each event is accepted, a duplicate, or rejected with its
// reason, in order, against the state earlier events of the same batch left.
func TestIngestDecidesEveryEventInOrder(t *testing.T) {
	_, ingest, st, c := services()
	ctx := context.Background()
	st.vendors["solar"] = &Vendor{ID: "solar", Active: true}
	st.products["solar/SOLAR-6KW"] = []ProductValues{
		{BV: 40000, CV: 120000, Retail: 30000, EffectiveFrom: t0.AddDate(0, -2, 0)},
		{BV: 50000, CV: 130000, Retail: 35000, EffectiveFrom: t0.AddDate(0, 0, -1)},
	}
	c.t = t0.Add(time.Hour)
	woken := 0
	ingest.Accepted = func() { woken++ }
	signup := func(id, cust, email, sponsor string, at time.Time) string {
		return ev(id, EventCustomerSignup, at, fmt.Sprintf(`{"customer_id":%q,"name":" Mia ","email":%q,"sponsor_id":%q}`, cust, email, sponsor))
	}
	activate := func(id, act, member string, at time.Time) string {
		return ev(id, EventServiceActivated, at, fmt.Sprintf(`{"activation_id":%q,"member_id":%q,"sku":"SOLAR-6KW"}`, act, member))
	}
	cancel := func(id, act string, at time.Time) string {
		return ev(id, EventServiceCancelled, at, fmt.Sprintf(`{"activation_id":%q}`, act))
	}
	res, err := ingest.Ingest(ctx, "solar", batch(
		signup("e1", "mia", "Mia@Example.com", "ana", t0),
		signup("e1", "mia", "mia@example.com", "ana", t0),                                // the same id again in the batch
		activate("e2", "a-1", "mia", t0.Add(time.Minute)),                                // attributed to ana, today's version
		activate("e3", "a-0", "mia", t0.AddDate(0, 0, -3)),                               // before mia registered
		activate("e4", "a-2", "ana", t0.AddDate(0, 0, -10)),                              // the older version
		activate("e5", "a-1", "ana", t0.Add(2*time.Minute)),                              // a known activation
		cancel("e6", "a-1", t0),                                                          // earlier than the activation
		cancel("e7", "a-1", t0.Add(3*time.Minute)),                                       // voids it
		cancel("e8", "a-1", t0.Add(4*time.Minute)),                                       // twice
		signup("e9", "noah", "ana@example.com", "ana", t0),                               // a taken e-mail
		signup("e10", "mia", "mia@example.com", "root", t0),                              // mia exists with another sponsor
		signup("e11", "ana", "x@example.com", "root", t0),                                // a consultant's id
		ev("e12", "service.paused", t0, `{}`),                                            // an unknown type
		ev("e13", EventServiceActivated, t0.Add(time.Hour), `{"activation_id":"a-9"}`),   // data of the wrong shape
		`{"type":"customer.signup"}`,                                                     // no id
		ev("e14", EventServiceCancelled, t0.Add(3*time.Hour), `{"activation_id":"a-2"}`), // in the future
	))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"accepted", "duplicate", "accepted", "rejected", "accepted", "rejected", "rejected", "accepted", "rejected",
		"rejected", "rejected", "rejected", "rejected", "rejected", "rejected", "rejected"}
	codes := []string{"", "", "", "invalid", "", "conflict", "invalid", "", "conflict", "conflict", "conflict", "conflict", "invalid", "invalid", "invalid", "invalid"}
	for i, r := range res.Results {
		code := ""
		if r.Error != nil {
			code = r.Error.Code
		}
		if r.Status != want[i] || code != codes[i] {
			t.Errorf("event %d (%s): %s %v, want %s %s", i, r.ID, r.Status, r.Error, want[i], codes[i])
		}
	}
	w := st.writes[0]
	if len(w.Customers) != 1 || w.Customers[0].Name != "Mia" || w.Customers[0].Email != "mia@example.com" || w.Customers[0].SDepth != 2 {
		t.Errorf("the new customer: %+v", w.Customers)
	}
	a1, a2 := w.Activations[0], w.Activations[1]
	if a1.Attributed != "ana" || a1.BV != 50000 || a1.SaleID != "solar:a-1" || a2.BV != 40000 || a2.Attributed != "ana" {
		t.Errorf("activations are attributed to S and priced as of occurred_at: %+v %+v", a1, a2)
	}
	if len(w.Cancellations) != 1 || w.Cancellations[0].SaleID != "solar:a-1" {
		t.Errorf("cancellations: %+v", w.Cancellations)
	}
	if len(st.rejected) != 11 {
		t.Errorf("rejected events go to the audit log: %d", len(st.rejected))
	}
	if woken != 1 {
		t.Errorf("a batch that accepted volume wakes the projection once, after it commits: %d", woken)
	}
	// A replayed batch changes nothing.
	again, err := ingest.Ingest(ctx, "solar", batch(signup("e1", "mia", "mia@example.com", "ana", t0), activate("e2", "a-1", "mia", t0.Add(time.Minute))))
	if err != nil || again.Results[0].Status != "duplicate" || again.Results[1].Status != "duplicate" || len(st.writes[1].Events) != 0 {
		t.Errorf("replay: %v %+v", err, again)
	}
	if woken != 1 {
		t.Errorf("a batch that accepted nothing wakes nothing: %d", woken)
	}
}

func TestIngestRefusesMalformedBatches(t *testing.T) {
	_, ingest, _, _ := services()
	ctx := context.Background()
	if _, err := ingest.Ingest(ctx, "solar", []byte(`{"events":`)); graph.KindOf(err) != graph.KindBadRequest {
		t.Errorf("not JSON: %v", err)
	}
	if _, err := ingest.Ingest(ctx, "solar", []byte(`{}`)); graph.KindOf(err) != graph.KindInvalid {
		t.Errorf("no events: %v", err)
	}
	many := make([]json.RawMessage, IngestMaxEvents+1)
	for i := range many {
		many[i] = json.RawMessage(`{}`)
	}
	body, _ := json.Marshal(map[string]any{"events": many})
	if _, err := ingest.Ingest(ctx, "solar", body); graph.KindOf(err) != graph.KindInvalid {
		t.Errorf("too many events: %v", err)
	}
}

func TestProductAtPicksTheVersionInEffect(t *testing.T) {
	vs := []ProductValues{{BV: 1, EffectiveFrom: t0}, {BV: 2, EffectiveFrom: t0.AddDate(0, 1, 0)}}
	for at, want := range map[time.Time]engine.Units{t0.AddDate(0, -1, 0): 1, t0: 1, t0.AddDate(0, 1, 0): 2, t0.AddDate(1, 0, 0): 2} {
		if got := productAt(vs, at).BV; got != want {
			t.Errorf("at %s: %d, want %d", at, got, want)
		}
	}
}
