package api_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/halo-oss/halo/api"
	"github.com/halo-oss/halo/cache"
	"github.com/halo-oss/halo/graph"
	"github.com/halo-oss/halo/graph/identity"
	"github.com/halo-oss/halo/graph/platform"
	"github.com/halo-oss/halo/internal/testenv"
	"github.com/halo-oss/halo/store"
)

func do(t *testing.T, h http.Handler, method, path, body, token string) (int, map[string]any) {
	t.Helper()
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	var out map[string]any
	b, _ := io.ReadAll(w.Body)
	_ = json.Unmarshal(b, &out)
	return w.Code, out
}

func server(t *testing.T, st graph.Pinger, accounts identity.AccountStore, c graph.Pinger) http.Handler {
	s := &api.Server{Log: testenv.Log(),
		Health: &platform.HealthService{Graph: st, Cache: c, Timeout: time.Second},
		Auth:   &identity.AuthService{Accounts: accounts, Tokens: identity.NewTokenSigner([]byte("test-secret"), time.Hour)}}
	return s.Handler()
}

func TestFoundationEndToEnd(t *testing.T) {
	st := testenv.Store(t)
	rc := testenv.Cache(t)
	b := &platform.Bootstrap{Store: st, AdminEmail: "admin@example.com", AdminPassword: "admin-password", Log: testenv.Log(),
		Root: platform.RootSpec{ID: "root", Email: "root@example.com", RegisteredAt: time.Now()}, RootPack: platform.PlanPack{Plan: "consultant_plus", Price: "299", BV: "150"}}
	if err := b.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	h := server(t, st, st, rc)

	if code, body := do(t, h, "GET", "/readyz", "", ""); code != 200 || body["status"] != "ok" {
		t.Fatalf("readyz %d %v", code, body)
	}
	code, body := do(t, h, "POST", "/api/v1/auth/login", `{"email":"ADMIN@example.com","password":"admin-password"}`, "")
	if code != 200 || body["role"] != "admin" || body["token"] == "" {
		t.Fatalf("login %d %v", code, body)
	}
	token := body["token"].(string)
	if code, body := do(t, h, "GET", "/api/v1/auth/me", "", token); code != 200 || body["role"] != "admin" {
		t.Fatalf("me %d %v", code, body)
	}
	// Same 401 for a wrong password and an unknown email: no enumeration.
	_, wrong := do(t, h, "POST", "/api/v1/auth/login", `{"email":"admin@example.com","password":"nope-nope"}`, "")
	_, unknown := do(t, h, "POST", "/api/v1/auth/login", `{"email":"who@example.com","password":"nope-nope"}`, "")
	if wrong["error"].(map[string]any)["message"] != unknown["error"].(map[string]any)["message"] {
		t.Errorf("login errors differ: %v vs %v", wrong, unknown)
	}
	for _, c := range []struct {
		method, path, body, token string
		status                    int
		code                      string
	}{
		{"POST", "/api/v1/auth/login", `{"email":`, "", 400, "bad_request"},
		{"GET", "/api/v1/auth/me", "", "", 401, "unauthorized"},
		{"GET", "/api/v1/auth/me", "", token + "x", 401, "unauthorized"},
		{"GET", "/api/v1/nothing-here", "", "", 404, "not_found"},
	} {
		code, body := do(t, h, c.method, c.path, c.body, c.token)
		e, _ := body["error"].(map[string]any)
		if code != c.status || e == nil || e["code"] != c.code || e["message"] == "" {
			t.Errorf("%s %s: %d %v, want %d %s in the API.md error shape", c.method, c.path, code, body, c.status, c.code)
		}
	}
	if code, _ := do(t, h, "GET", "/swagger/index.html", "", ""); code != 200 {
		t.Errorf("swagger UI %d", code)
	}
	if code, body := do(t, h, "GET", "/swagger/doc.json", "", ""); code != 200 || body["swagger"] != "2.0" {
		t.Errorf("swagger spec %d", code)
	}
}

// Readiness names the service that is down: Neo4j down is 503, Redis down alone is degraded.
func TestReadinessNamesTheServiceThatIsDown(t *testing.T) {
	st := testenv.Store(t)
	rc := testenv.Cache(t)
	deadNeo, err := store.New(store.Config{URI: "bolt://127.0.0.1:1", User: "neo4j", Password: "x"}, testenv.Log())
	if err != nil {
		t.Fatal(err)
	}
	deadRedis := cache.New(cache.Config{Addr: "127.0.0.1:1"})

	code, body := do(t, server(t, deadNeo, st, rc), "GET", "/readyz", "", "")
	checks := body["checks"].(map[string]any)
	if code != 503 || body["status"] != "unavailable" || checks["neo4j"].(map[string]any)["status"] != "down" {
		t.Errorf("neo4j down: %d %v", code, body)
	}
	code, body = do(t, server(t, st, st, deadRedis), "GET", "/readyz", "", "")
	checks = body["checks"].(map[string]any)
	if code != 200 || body["status"] != "degraded" || checks["redis"].(map[string]any)["status"] != "down" {
		t.Errorf("redis down: %d %v", code, body)
	}
	// A request that needs Neo4j while it is down is a 503 in the API shape, never a driver message.
	code, body = do(t, server(t, st, deadNeo, rc), "POST", "/api/v1/auth/login", `{"email":"a@b.c","password":"whatever1"}`, "")
	if code != 503 || body["error"].(map[string]any)["code"] != "unavailable" || strings.Contains(body["error"].(map[string]any)["message"].(string), "dial") {
		t.Errorf("login with neo4j down: %d %v", code, body)
	}
}
