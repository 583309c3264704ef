package api_test

import (
	"testing"
	"time"
)

func (hs *harness) login(email, password string) (int, string) {
	code, b := hs.as("").call("POST", "/api/v1/auth/login", map[string]any{"email": email, "password": password})
	tok, _ := b["token"].(string)
	return code, tok
}

// wantMe checks what GET /auth/me answers with token.
func (hs *harness) wantMe(t *testing.T, token string, want int, what string) {
	t.Helper()
	if code, _ := hs.as(token).call("GET", "/api/v1/auth/me", nil); code != want {
		t.Errorf("%s: %d, want %d", what, code, want)
	}
}

func TestLogoutPasswordChangeAndRateLimits(t *testing.T) {
	hs := newHarness(t)
	hs.call("POST", "/api/v1/members", map[string]any{"id": "A", "name": "Ana", "email": "ana@example.com", "password": "first-password",
		"plan": "consultant", "sponsor_id": "root", "placement": at("root", "left"), "registered_at": rootAt.Add(3600e9).Format("2006-01-02T15:04:05Z07:00")})
	_, t1 := hs.login("ana@example.com", "first-password")
	_, t2 := hs.login("ana@example.com", "first-password")
	if t1 == "" || t2 == "" {
		t.Fatal("login")
	}
	// Logout revokes exactly that token.
	if code, _ := hs.as(t1).call("POST", "/api/v1/auth/logout", nil); code != 204 {
		t.Fatalf("logout: %d", code)
	}
	hs.wantMe(t, t1, 401, "a logged-out token")
	hs.wantMe(t, t2, 200, "another session stays")
	// Password change: checks the current one, revokes every earlier token.
	ana := hs.as(t2)
	if code, b := ana.call("POST", "/api/v1/auth/password", map[string]any{"current_password": "wrong-one", "new_password": "second-password"}); code != 422 {
		t.Errorf("wrong current password: %d %v", code, b)
	}
	if code, _ := ana.call("POST", "/api/v1/auth/password", map[string]any{"current_password": "first-password", "new_password": "short"}); code != 422 {
		t.Errorf("too short: %d", code)
	}
	if code, b := ana.call("POST", "/api/v1/auth/password", map[string]any{"current_password": "first-password", "new_password": "second-password"}); code != 204 {
		t.Fatalf("change: %d %v", code, b)
	}
	if code, _ := ana.call("GET", "/api/v1/auth/me", nil); code != 401 {
		t.Errorf("tokens from before the change are revoked: %d", code)
	}
	if code, _ := hs.login("ana@example.com", "first-password"); code != 401 {
		t.Errorf("the old password: %d", code)
	}
	code, t3 := hs.login("ana@example.com", "second-password")
	if code != 200 {
		t.Fatalf("the new password: %d", code)
	}
	hs.wantMe(t, t3, 200, "a token issued after the change")
	// Rate limits (the harness allows 3 failures per account, 20 per address).
	for i := 0; i < 3; i++ {
		hs.login("ana@example.com", "guess-password")
	}
	if code, _ := hs.login("ana@example.com", "second-password"); code != 429 {
		t.Errorf("the account is locked for a while, even with the right password: %d", code)
	}
	if code, _ := hs.login("nobody@example.com", "guess-password"); code != 401 {
		t.Errorf("an unknown email still answers 401 (no enumeration): %d", code)
	}
	for i := 0; i < 20; i++ {
		hs.login("someone"+string(rune('a'+i))+"@example.com", "guess-password")
	}
	if code, _ := hs.login("admin@example.com", "admin-password"); code != 429 {
		t.Errorf("the address is limited after many failures: %d", code)
	}
}

// A customer created by a vendor sign-up has no password: the reset flow gives it one. The
// request answers alike for unknown emails; a token works once.
func TestPasswordResetFlow(t *testing.T) {
	hs := newHarness(t)
	hs.register("A", "consultant", "root", at("root", "left"))
	sun := hs.vendor("sun")
	hs.send("sun", sun, events(signup("e1", "cust1", "A")), 0)
	if code, _ := hs.login("cust1@example.com", "anything-at-all"); code != 401 {
		t.Fatalf("no password yet: %d", code)
	}
	for _, email := range []string{"cust1@example.com", "nobody@example.com"} {
		if code, _ := hs.as("").call("POST", "/api/v1/auth/password-reset", map[string]any{"email": email}); code != 202 {
			t.Errorf("reset request for %s: %d", email, code)
		}
	}
	hs.app.Resets.Settle()
	if hs.notes.token("nobody@example.com") != "" {
		t.Error("nothing is sent for an unknown email")
	}
	tok := hs.notes.token("cust1@example.com")
	if len(tok) != 64 {
		t.Fatalf("token %q", tok)
	}
	if n, _ := hs.st.CountForTests(t.Context(), "MATCH (r:PasswordReset) WHERE r.token_hash = '"+tok+"' RETURN count(r) AS n"); n != 0 {
		t.Error("the token itself must not be stored, only its hash")
	}
	if code, _ := hs.as("").call("POST", "/api/v1/auth/password-reset/confirm", map[string]any{"token": tok, "new_password": "short"}); code != 422 {
		t.Errorf("too short: %d", code)
	}
	if code, b := hs.as("").call("POST", "/api/v1/auth/password-reset/confirm", map[string]any{"token": tok, "new_password": "customer-password"}); code != 204 {
		t.Fatalf("confirm: %d %v", code, b)
	}
	code, ct := hs.login("cust1@example.com", "customer-password")
	if code != 200 {
		t.Fatalf("login after reset: %d", code)
	}
	if _, me := hs.as(ct).call("GET", "/api/v1/auth/me", nil); me["role"] != "customer" {
		t.Errorf("role %v", me)
	}
	if code, _ := hs.as("").call("POST", "/api/v1/auth/password-reset/confirm", map[string]any{"token": tok, "new_password": "another-password"}); code != 422 {
		t.Errorf("a token works once: %d", code)
	}
	if code, _ := hs.as("").call("POST", "/api/v1/auth/password-reset/confirm", map[string]any{"token": "abc", "new_password": "another-password"}); code != 422 {
		t.Errorf("a bad token: %d", code)
	}
}

// Self-registration through a referral code: same rules as an admin registration; the priced
// pack is pending — no sale, no direct bonus, no volume — until an admin confirms the payment.
func TestJoinWithPendingPack(t *testing.T) {
	hs := newHarness(t)
	hs.register("A", "consultant", "root", at("root", "left"))
	hs.register("cu", "customer", "A", nil)
	anon := hs.as("")
	for name, req := range map[string]map[string]any{
		"customer plan":     {"referral_code": "A", "id": "N0", "name": "N", "email": "n0@example.com", "password": "new-password", "plan": "customer"},
		"unknown referral":  {"referral_code": "ZZ", "id": "N1", "name": "N", "email": "n1@example.com", "password": "new-password", "plan": "consultant"},
		"customer referral": {"referral_code": "cu", "id": "N2", "name": "N", "email": "n2@example.com", "password": "new-password", "plan": "consultant"},
		"no password":       {"referral_code": "A", "id": "N3", "name": "N", "email": "n3@example.com", "plan": "consultant"},
		"slot rules apply":  {"referral_code": "A", "id": "N4", "name": "N", "email": "n4@example.com", "password": "new-password", "plan": "consultant", "placement": map[string]any{"parent_id": "root", "leg": "right"}},
	} {
		if code, b := anon.call("POST", "/api/v1/join", req); code != 422 {
			t.Errorf("%s: %d %v", name, code, b)
		}
	}
	code, m := anon.call("POST", "/api/v1/join", map[string]any{"referral_code": "A", "id": "N", "name": "New", "email": "new@example.com",
		"password": "new-password", "plan": "consultant_plus"})
	if code != 201 || m["sponsor_id"] != "A" || m["parent_id"] != "A" {
		t.Fatalf("join: %d %v", code, m)
	}
	if code, _ := hs.login("new@example.com", "new-password"); code != 200 {
		t.Errorf("the new consultant logs in: %d", code)
	}
	end := time.Now().UTC().AddDate(0, 0, 1).Truncate(time.Second).Format(time.RFC3339)
	_, d := hs.call("POST", "/api/v1/payout-runs", map[string]any{"period_end": end})
	byType := d["totals"].(map[string]any)["by_type"].(map[string]any)
	if byType["direct"] != "14.85" || d["totals"].(map[string]any)["sales_bv"] != "200" {
		t.Errorf("a pending pack is no sale: only root's direct on pack:A, BV root 150 + A 50: %v", d["totals"])
	}
	if code, _ := hs.call("POST", "/api/v1/members/N/confirm-payment", map[string]any{}); code != 422 {
		t.Errorf("confirmation needs a payment reference: %d", code)
	}
	if code, _ := hs.call("POST", "/api/v1/members/N/confirm-payment", map[string]any{"payment_reference": "PSP-1"}); code != 200 {
		t.Fatalf("confirm: %d", code)
	}
	if code, _ := hs.call("POST", "/api/v1/members/N/confirm-payment", map[string]any{"payment_reference": "PSP-1"}); code != 409 {
		t.Errorf("nothing left to confirm: %d", code)
	}
	_, d = hs.call("POST", "/api/v1/payout-runs", map[string]any{"period_end": end})
	byType = d["totals"].(map[string]any)["by_type"].(map[string]any)
	if byType["direct"] != "44.75" || d["totals"].(map[string]any)["sales_bv"] != "350" {
		t.Errorf("after payment the pack is a sale: plus A's 10%% of 299 = 29.90: %v", d["totals"])
	}
}

// Issue #19: a signed-in request asks Redis whether its account's sessions changed, and Neo4j
// only then. A logout or a password change on one replica is refused at once on another that
// had just accepted the token.
func TestRevocationsReachEveryReplicaAtOnce(t *testing.T) {
	hs := newHarness(t)
	hs.call("POST", "/api/v1/members", map[string]any{"id": "A", "name": "Ana", "email": "ana@example.com", "password": "first-password",
		"plan": "consultant", "sponsor_id": "root", "placement": at("root", "left"), "registered_at": rootAt.Add(3600e9).Format("2006-01-02T15:04:05Z07:00")})
	b := hs.secondInstance()
	_, t1 := hs.login("ana@example.com", "first-password")
	_, t2 := hs.login("ana@example.com", "first-password")
	for range 3 {
		for _, tok := range []string{t1, t2} {
			if code, _ := b.as(tok).call("GET", "/api/v1/auth/me", nil); code != 200 {
				t.Fatalf("replica b before the logout: %d", code)
			}
		}
	}
	if code, _ := hs.as(t1).call("POST", "/api/v1/auth/logout", nil); code != 204 {
		t.Fatalf("logout on replica a: %d", code)
	}
	b.wantMe(t, t1, 401, "replica b accepted a token logged out on a")
	b.wantMe(t, t2, 200, "replica b refused ana's other session")
	if code, _ := hs.as(t2).call("POST", "/api/v1/auth/password", map[string]any{"current_password": "first-password", "new_password": "second-password"}); code != 204 {
		t.Fatalf("password change on replica a: %d", code)
	}
	b.wantMe(t, t2, 401, "replica b accepted a token from before the password change")
	_, t3 := hs.login("ana@example.com", "second-password")
	b.wantMe(t, t3, 200, "replica b refused a token issued after the change")
}
