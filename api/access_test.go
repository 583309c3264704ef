package api_test

import (
	"net/http/httptest"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/halo-oss/halo/api"
)

// Every endpoint, called with every role: access is decided by the one policy table, and a
// consultant never learns of members outside its downline (404, not 403).
func TestEveryEndpointWithEveryRole(t *testing.T) {
	hs := newHarness(t)
	reg := func(id, plan, sponsor string, placement map[string]any) {
		req := map[string]any{"id": id, "name": id, "email": strings.ToLower(id) + "@example.com", "password": "pass-" + id + "-word",
			"plan": plan, "sponsor_id": sponsor, "registered_at": rootAt.Add(time.Hour).Format(time.RFC3339)}
		if placement != nil {
			req["placement"] = placement
		}
		if code, b := hs.call("POST", "/api/v1/members", req); code != 201 {
			t.Fatalf("register %s: %d %v", id, code, b)
		}
	}
	reg("A", "consultant", "root", at("root", "left"))
	reg("B", "consultant", "A", at("A", "left"))        // A's downline
	reg("X", "consultant", "root", at("root", "right")) // beside A
	reg("cu", "customer", "A", nil)                     // A's customer
	reg("cx", "customer", "X", nil)
	token := func(email, pw string) string {
		_, tk := hs.login(email, pw)
		if tk == "" {
			t.Fatalf("login %s", email)
		}
		return tk
	}
	tokens := map[string]string{"anonymous": "", "admin": hs.token, "consultant": token("a@example.com", "pass-A-word"), "customer": token("cu@example.com", "pass-cu-word")}

	if err := hs.counters.Tick(t.Context()); err != nil {
		t.Fatal(err)
	}
	policies := hs.srv.Policies()
	// Every registered route has a policy, and every policy a registered route.
	var registered []string
	for key := range policies {
		registered = append(registered, key)
	}
	sort.Strings(registered)

	call := func(role, method, path string) int {
		req := httptest.NewRequest(method, path, strings.NewReader("{}"))
		req.Header.Set("Content-Type", "application/json")
		if tk := tokens[role]; tk != "" {
			req.Header.Set("Authorization", "Bearer "+tk)
		}
		w := httptest.NewRecorder()
		hs.h.ServeHTTP(w, req)
		return w.Code
	}
	fill := func(path, id string) string {
		r := strings.NewReplacer(":id", id, ":gen", "1", ":member", "A", ":sku", "SOLAR", ":decision", "approve", ":leg", "left", ":run", "no-such-run")
		return r.Replace(path)
	}
	// Logout and password change would end the sessions the table still needs: they are
	// checked last, on their own.
	skip := map[string]bool{"POST /api/v1/auth/logout": true, "POST /api/v1/auth/password": true}
	for _, key := range registered {
		method, path, _ := strings.Cut(key, " ")
		p := policies[key]
		if skip[key] {
			continue
		}
		check := func(role, id string, ok func(int) bool, want string) {
			code := call(role, method, fill(path, id))
			if !ok(code) {
				t.Errorf("%s %s as %s: %d, want %s", method, fill(path, id), role, code, want)
			}
		}
		allowed := func(c int) bool { return c != 401 && c != 403 && c != 404 && c < 500 }
		passesAuth := func(c int) bool { return c != 401 && c != 403 && c < 500 }
		is := func(want int) func(int) bool { return func(c int) bool { return c == want } }
		switch p {
		case api.Public:
			check("anonymous", "A", func(c int) bool { return c != 403 && c < 500 }, "no 403 and no server error")
		case api.VendorSigned, api.ProviderSigned:
			check("anonymous", "A", is(401), "401 without a vendor signature")
			check("admin", "A", is(401), "401: a bearer token is no vendor signature")
		case api.AnyRole:
			check("anonymous", "A", is(401), "401")
			for _, r := range []string{"admin", "consultant", "customer"} {
				check(r, "A", passesAuth, "allowed")
			}
		case api.AdminOnly:
			check("anonymous", "A", is(401), "401")
			check("consultant", "A", is(403), "403")
			check("customer", "cu", is(403), "403")
			check("admin", "A", passesAuth, "allowed")
		case api.MemberScoped:
			check("anonymous", "A", is(401), "401")
			check("admin", "X", allowed, "allowed")
			check("consultant", "A", allowed, "allowed (itself)")
			check("consultant", "B", allowed, "allowed (its downline)")
			check("consultant", "cu", allowed, "allowed (its customer)")
			check("consultant", "X", is(404), "404 (beside it)")
			check("consultant", "root", is(404), "404 (above it)")
			check("consultant", "nobody", is(404), "404")
			check("customer", "cu", allowed, "allowed (itself)")
			check("customer", "A", is(404), "404 (its consultant is not its downline)")
			check("customer", "cx", is(404), "404")
		case api.SelfOnly:
			check("anonymous", "A", is(401), "401")
			check("consultant", "A", passesAuth, "allowed (itself)")
			check("consultant", "B", is(404), "404 (even its downline)")
			check("customer", "cu", passesAuth, "allowed (itself)")
			check("customer", "A", is(404), "404")
			check("admin", "B", passesAuth, "allowed")
		default:
			t.Errorf("%s: unknown policy %q", key, p)
		}
	}
	for key := range skip {
		if _, ok := policies[key]; !ok {
			t.Errorf("%s has no policy", key)
		}
	}
	if code := call("anonymous", "POST", "/api/v1/auth/logout"); code != 401 {
		t.Errorf("logout without a token: %d", code)
	}
	if code := call("customer", "POST", "/api/v1/auth/logout"); code != 204 {
		t.Errorf("logout: %d", code)
	}
	// Every route gin serves is in the table (nothing slips past the policies).
	for _, rt := range api.Served(hs.h) {
		if strings.HasPrefix(rt, "GET /api/v1") || strings.HasPrefix(rt, "POST /api/v1") || strings.HasPrefix(rt, "PUT /api/v1") || strings.HasPrefix(rt, "DELETE /api/v1") {
			if _, ok := policies[rt]; !ok {
				t.Errorf("route %s is served without a policy", rt)
			}
		}
	}
	if len(registered) < 40 {
		t.Errorf("only %d routes in the table", len(registered))
	}
}
