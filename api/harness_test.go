package api_test

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/halo-oss/halo/api"
	"github.com/halo-oss/halo/engine"
	"github.com/halo-oss/halo/graph/field"
	"github.com/halo-oss/halo/graph/payouts"
	"github.com/halo-oss/halo/internal/app"
	"github.com/halo-oss/halo/internal/stripepay"
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

	app       *app.App
	counters  *payouts.LiveCounters
	notes     *capture
	projector *payouts.Projector
}

// testConfig is the configuration every API test runs with: small import batches (so a
// three-line file takes three transactions) and a login limit that trips after three failures.
func testConfig(rootAt time.Time) *app.Config {
	return &app.Config{AdminEmail: "admin@example.com", AdminPassword: "admin-password", RootID: "root", RootEmail: "root@example.com",
		RootRegisteredAt: rootAt, SecretKey: "test-secret", TokenTTL: time.Hour, LoginFailures: 3, LoginFailuresPerIP: 20, ImportBatch: 3,
		// Referral webhooks go to a vendor simulator on loopback, which the allowlist admits; the
		// retry schedule is compressed from seconds and hours to milliseconds.
		WebhookAllow: "127.0.0.1", WebhookTimeout: time.Second, WebhookMaxAttempts: 4, WebhookBackoff: 50 * time.Millisecond, WebhookBackoffMax: 200 * time.Millisecond,
		// Card payments against stripe-mock (scripts/stripe-mock.sh); webhooks are signed by the tests.
		Stripe: stripepay.Config{SecretKey: "sk_test_123", WebhookSecret: stripeWebhookSecret, APIURL: cmp.Or(os.Getenv("HALO_TEST_STRIPE_URL"), "http://127.0.0.1:12111")}}
}

const stripeWebhookSecret = "whsec_halo_test"

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
	hs := &harness{t: t, st: st, root: rootAt, notes: &capture{}}
	if err := rc.FlushForTests(context.Background()); err != nil {
		t.Fatal(err)
	}
	hs.app = app.New(testConfig(rootAt), engine.DefaultConfig(), app.Deps{Store: st, Cache: rc, Log: testenv.Log(), Notifier: hs.notes})
	if err := hs.app.Prepare(context.Background()); err != nil {
		t.Fatal(err)
	}
	hs.counters, hs.projector = hs.app.Counters, hs.app.Projector
	s := hs.app.API()
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
