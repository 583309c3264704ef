package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/halo-oss/halo/api"
	"github.com/halo-oss/halo/engine"
	"github.com/halo-oss/halo/graph"
	"github.com/halo-oss/halo/graph/dashboards"
	"github.com/halo-oss/halo/graph/field"
	"github.com/halo-oss/halo/graph/genealogy"
	"github.com/halo-oss/halo/graph/identity"
	"github.com/halo-oss/halo/graph/payouts"
	"github.com/halo-oss/halo/graph/platform"
	"github.com/halo-oss/halo/graph/sales"
	"github.com/halo-oss/halo/internal/testenv"
	"github.com/halo-oss/halo/store"
)

// harness is a Halo API over the real test Neo4j and Redis, with a fresh graph.
type harness struct {
	t     *testing.T
	h     http.Handler
	st    *store.Store
	token string
	root  time.Time
	srv   *api.Server

	counters  *payouts.LiveCounters
	notes     *capture
	projector *payouts.Projector
}

// capture is a notifier that keeps what it would have sent.
type capture struct {
	mu      sync.Mutex
	tokens  map[string]string
	seats   []string // "email gathering" of waitlist promotions
	changes []string // "change email gathering"
}

func (c *capture) PasswordReset(_ context.Context, email, token string, _ time.Time) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.tokens == nil {
		c.tokens = map[string]string{}
	}
	c.tokens[email] = token
	return nil
}

func (c *capture) SeatConfirmed(_ context.Context, email, _ string, g field.Gathering) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.seats = append(c.seats, email+" "+g.ID)
	return nil
}

func (c *capture) GatheringChanged(_ context.Context, email, _ string, g field.Gathering, change string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.changes = append(c.changes, change+" "+email+" "+g.ID)
	return nil
}

func (c *capture) changed() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := append([]string(nil), c.changes...)
	sort.Strings(out)
	return out
}

func (c *capture) seated() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]string(nil), c.seats...)
}

func (c *capture) token(email string) string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.tokens[email]
}

// raw sends a body with a content type as the admin.
func (hs *harness) raw(method, path, contentType, body string) (int, map[string]any) {
	hs.t.Helper()
	req := httptest.NewRequest(method, path, bytes.NewBufferString(body))
	req.Header.Set("Content-Type", contentType)
	req.Header.Set("Authorization", "Bearer "+hs.token)
	w := httptest.NewRecorder()
	hs.h.ServeHTTP(w, req)
	var out map[string]any
	_ = json.Unmarshal(w.Body.Bytes(), &out)
	return w.Code, out
}

var rootAt = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

func newHarness(t *testing.T) *harness { return newHarnessAt(t, rootAt) }

// newHarnessAt starts with a root registered at rootAt.
func newHarnessAt(t *testing.T, rootAt time.Time) *harness {
	t.Helper()
	st := testenv.Store(t)
	rc := testenv.Cache(t)
	plan := engine.DefaultConfig()
	b := &platform.Bootstrap{Store: st, AdminEmail: "admin@example.com", AdminPassword: "admin-password", Log: testenv.Log(),
		Root:     platform.RootSpec{ID: "root", Name: "Company", Email: "root@example.com", RegisteredAt: rootAt},
		RootPack: platform.PlanPack{Plan: "consultant_plus", Price: plan.Rule(engine.PlanConsultantPlus).Price.String(), BV: plan.Rule(engine.PlanConsultantPlus).BV.String()}}
	if err := b.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	hs := &harness{t: t, st: st, root: rootAt}
	if err := rc.FlushForTests(context.Background()); err != nil {
		t.Fatal(err)
	}
	hs.counters = &payouts.LiveCounters{Feed: st, Cache: rc, Log: testenv.Log()}
	audit := &graph.Auditor{Log: st, Now: time.Now, Slog: testenv.Log()}
	s := &api.Server{Log: testenv.Log(), Counters: hs.counters,
		Health: &platform.HealthService{Graph: st, Cache: rc, Timeout: time.Second},
		Auth: &identity.AuthService{Accounts: st, Tokens: identity.NewTokenSigner([]byte("test-secret"), time.Hour), Sessions: st,
			Limiter: &identity.LoginLimiter{PerAccount: 3, PerIP: 20}},
		Members:  &genealogy.MemberService{Store: st, Plan: plan, Now: time.Now, RootID: "root"},
		Holdings: &sales.HoldingsService{Store: st},
		Imports:  &genealogy.ImportService{Store: st, Plan: plan, Now: time.Now, Log: testenv.Log(), BatchSize: 3},
		Vendors:  &sales.VendorService{Store: st, Box: sales.NewSecretBox([]byte("test-secret")), Now: time.Now},
		Ingest:   &sales.IngestService{Store: st, Box: sales.NewSecretBox([]byte("test-secret")), Now: time.Now, Log: testenv.Log()},
		Payouts:  &payouts.PayoutService{Store: st, Plan: plan, Now: time.Now, Log: testenv.Log(), AfterCommit: hs.counters.Invalidate, Audit: audit},
		Wallets:  &payouts.WalletService{Store: st, Members: st, Audit: audit, Now: time.Now},
		Audit:    audit,
	}
	s.Members.Audit, s.Imports.Audit, s.Vendors.Audit = audit, audit, audit
	s.Access = &genealogy.Access{Store: st}
	s.Content = &field.ContentService{Store: st, Members: st, Audit: audit, Now: time.Now}
	s.Gatherings = &field.GatheringService{Store: st, Members: st, Audit: audit, Now: time.Now, Log: testenv.Log()}
	hs.projector = &payouts.Projector{Feed: st, Payouts: s.Payouts, Log: testenv.Log()}
	s.Dashboards = &dashboards.DashboardService{Store: st, Members: s.Members, Holdings: s.Holdings, Runs: st, Health: s.Health, Now: time.Now,
		Consultants: st, Counters: hs.counters, Projector: hs.projector, Field: s.Gatherings}
	hs.notes = &capture{}
	s.Gatherings.Notifier = hs.notes
	s.Resets = &identity.ResetService{Accounts: st, Store: st, Sessions: st, Notifier: hs.notes, Now: time.Now}
	hs.srv = s
	hs.h = s.Handler()
	code, body := hs.call("POST", "/api/v1/auth/login", map[string]any{"email": "admin@example.com", "password": "admin-password"})
	if code != 200 {
		t.Fatalf("admin login: %d %v", code, body)
	}
	hs.token = body["token"].(string)
	return hs
}

// call sends JSON as the admin and decodes the answer.
func (hs *harness) call(method, path string, body any) (int, map[string]any) {
	hs.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = bytes.NewBufferString(b)
	default:
		data, _ := json.Marshal(b)
		rd = bytes.NewReader(data)
	}
	req := httptest.NewRequest(method, path, rd)
	req.Header.Set("Content-Type", "application/json")
	if hs.token != "" {
		req.Header.Set("Authorization", "Bearer "+hs.token)
	}
	w := httptest.NewRecorder()
	hs.h.ServeHTTP(w, req)
	var out map[string]any
	_ = json.Unmarshal(w.Body.Bytes(), &out)
	return w.Code, out
}

// register registers a member and fails the test unless it is created.
func (hs *harness) register(id, plan, sponsor string, placement map[string]any) map[string]any {
	hs.t.Helper()
	req := map[string]any{"id": id, "name": "Member " + id, "email": id + "@example.com", "plan": plan, "sponsor_id": sponsor,
		"registered_at": rootAt.Add(time.Hour).Format(time.RFC3339)}
	if placement != nil {
		req["placement"] = placement
	}
	code, body := hs.call("POST", "/api/v1/members", req)
	if code != 201 {
		hs.t.Fatalf("register %s: %d %v", id, code, body)
	}
	return body
}

func at(p, leg string) map[string]any  { return map[string]any{"parent_id": p, "leg": leg} }
func strategy(s string) map[string]any { return map[string]any{"strategy": s} }

func errOf(body map[string]any) (code, message string, fields []string) {
	e, _ := body["error"].(map[string]any)
	if e == nil {
		return "", "", nil
	}
	code, _ = e["code"].(string)
	message, _ = e["message"].(string)
	ds, _ := e["details"].([]any)
	for _, d := range ds {
		if m, ok := d.(map[string]any); ok {
			fields = append(fields, fmt.Sprint(m["field"]))
		}
	}
	return
}
