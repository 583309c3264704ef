package api_test

import (
	"testing"
	"time"
)

// The endpoints the back office needs (#13): a member's own committed statements, sponsor and
// parent, withdrawals, a downline search and the bottom of a leg; the admin's member list without
// a search term, with filters; product names on services.
func TestBackOfficeEndpoints(t *testing.T) {
	hs := newHarnessAt(t, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	code, _ := hs.call("POST", "/api/v1/members", map[string]any{"id": "A", "name": "Ana Ruiz", "email": "ana@example.com", "password": "ana-password",
		"plan": "consultant", "sponsor_id": "root", "placement": at("root", "left"), "registered_at": "2026-01-01T00:30:00Z"})
	if code != 201 {
		t.Fatal("register A")
	}
	hs.register("B", "consultant", "root", at("root", "right"))
	hs.register("A1", "affiliate", "A", at("A", "left"))
	hs.register("A11", "affiliate", "A", at("A1", "left"))
	hs.register("cu", "customer", "A", nil)
	sun := hs.vendor("sun")
	link := signup("e0", "cu", "A")
	link["occurred_at"] = "2026-01-04T00:00:00Z"
	hs.send("sun", sun, events(link, activated("e1", "a1", "cu", "SOLAR-6KW", "2026-01-05T00:00:00Z")), 0)

	_, d := hs.call("POST", "/api/v1/payout-runs", map[string]any{"period_end": "2026-01-12T00:00:00Z"})
	first := d["id"].(string)
	hs.call("POST", "/api/v1/payout-runs/"+first+"/commit", nil)
	_, d = hs.call("POST", "/api/v1/payout-runs", map[string]any{"period_end": "2026-01-19T00:00:00Z"})
	draft := d["id"].(string)

	_, login := hs.call("POST", "/api/v1/auth/login", map[string]any{"email": "ana@example.com", "password": "ana-password"})
	ana := hs.as(login["token"].(string))

	// Own statement of a committed run, with explanations; a draft does not exist for a member.
	code, st := ana.call("GET", "/api/v1/members/A/statements/"+first, nil)
	if code != 200 || st["total"] == "0.00" || len(st["lines"].([]any)) == 0 {
		t.Fatalf("own statement: %d %v", code, st)
	}
	if ex := st["lines"].([]any)[0].(map[string]any)["explanation"].(map[string]any)["text"]; ex == "" {
		t.Errorf("a line without its explanation: %v", st)
	}
	if code, _ := ana.call("GET", "/api/v1/members/A/statements/"+draft, nil); code != 404 {
		t.Errorf("a draft statement is admin-only: %d", code)
	}
	if code, _ := ana.call("GET", "/api/v1/members/B/statements/"+first, nil); code != 404 {
		t.Errorf("someone else's statement: %d", code)
	}
	// The dashboard's run history matches the statement.
	_, dash := ana.call("GET", "/api/v1/members/A/dashboard", nil)
	runs := dash["runs"].([]any)
	if len(runs) != 1 || runs[0].(map[string]any)["total"] != st["total"] || runs[0].(map[string]any)["period_end"] != "2026-01-12T00:00:00Z" {
		t.Errorf("runs on the dashboard: %v (statement total %v)", runs, st["total"])
	}
	services := dash["customers"].([]any)[0].(map[string]any)["services"].([]any)
	if services[0].(map[string]any)["product"] != "Solar" {
		t.Errorf("a service without its product name: %v", services)
	}

	// Sponsor and parent: name and contact only.
	code, ct := ana.call("GET", "/api/v1/members/A/contacts", nil)
	if code != 200 || ct["sponsor"].(map[string]any)["id"] != "root" || ct["placement_parent"].(map[string]any)["id"] != "root" || ct["leg"] != "left" {
		t.Errorf("contacts: %d %v", code, ct)
	}
	if code, _ := ana.call("GET", "/api/v1/members/A1/contacts", nil); code != 404 {
		t.Errorf("a downline member's contacts are its own: %d", code)
	}

	// Withdrawals of its own.
	hs.clear("A")
	ana.call("POST", "/api/v1/members/A/withdrawals", map[string]any{"amount": "100.00"})
	code, ws := ana.call("GET", "/api/v1/members/A/withdrawals", nil)
	if code != 200 || len(ws["items"].([]any)) != 1 || ws["items"].([]any)[0].(map[string]any)["status"] != "requested" {
		t.Errorf("own withdrawals: %d %v", code, ws)
	}

	// Downline search and the bottom of a leg.
	code, found := ana.call("GET", "/api/v1/members/A/downline?q=member", nil)
	if code != 200 || len(found["items"].([]any)) != 3 {
		t.Errorf("downline search finds A1, A11 and the customer cu, not B: %d %v", code, found)
	}
	if code, _ := ana.call("GET", "/api/v1/members/A/downline", nil); code != 422 {
		t.Errorf("a downline search needs q: %d", code)
	}
	code, end := ana.call("GET", "/api/v1/members/A/leg-end/left", nil)
	if code != 200 || end["id"] != "A11" {
		t.Errorf("bottom of the left leg: %d %v", code, end)
	}
	if code, end := ana.call("GET", "/api/v1/members/A/leg-end/right", nil); code != 200 || end["id"] != "A" {
		t.Errorf("an empty right leg ends at the member: %d %v", code, end)
	}
	if code, _ := ana.call("GET", "/api/v1/members/A/leg-end/middle", nil); code != 422 {
		t.Errorf("a leg that does not exist: %d", code)
	}
	if code, _ := ana.call("GET", "/api/v1/members/B/leg-end/left", nil); code != 404 {
		t.Errorf("outside the downline: %d", code)
	}

	// The admin's list: no search term needed, filters, paging.
	code, all := hs.call("GET", "/api/v1/members?limit=2", nil)
	if code != 200 || len(all["items"].([]any)) != 2 || all["next_cursor"] == nil {
		t.Errorf("member list: %d %v", code, all)
	}
	_, cons := hs.call("GET", "/api/v1/members?plan=affiliate", nil)
	if n := len(cons["items"].([]any)); n != 2 {
		t.Errorf("affiliates: %d %v", n, cons)
	}
	hs.call("POST", "/api/v1/members/B/status", map[string]any{"status": "suspended", "at": "2026-01-02T00:00:00Z", "reason": "review"})
	_, susp := hs.call("GET", "/api/v1/members?status=suspended", nil)
	if items := susp["items"].([]any); len(items) != 1 || items[0].(map[string]any)["id"] != "B" || items[0].(map[string]any)["status"] != "suspended" {
		t.Errorf("suspended: %v", susp)
	}
	for _, q := range []string{"plan=gold", "status=gone", "pending_payment=maybe", "rank=emperor", "q=a"} {
		if code, body := hs.call("GET", "/api/v1/members?"+q, nil); code != 422 {
			t.Errorf("%s: %d %v", q, code, body)
		}
	}
	// A self-registration on a priced plan waits for its payment and is listed as pending.
	if code, body := hs.call("POST", "/api/v1/join", map[string]any{"id": "joe", "name": "Joe", "email": "joe@example.com", "password": "joe-password-1",
		"plan": "consultant", "referral_code": "A"}); code != 201 {
		t.Fatalf("join: %d %v", code, body)
	}
	_, pend := hs.call("GET", "/api/v1/members?pending_payment=true", nil)
	if items := pend["items"].([]any); len(items) != 1 || items[0].(map[string]any)["email"] != "joe@example.com" || items[0].(map[string]any)["pack_pending"] != true {
		t.Errorf("pending packs: %v", pend)
	}
	if code, _ := ana.call("GET", "/api/v1/members", nil); code != 403 {
		t.Errorf("the member list is for admins: %d", code)
	}
}
