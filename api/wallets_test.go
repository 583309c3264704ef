package api_test

import (
	"fmt"
	"io"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"
)

func (hs *harness) as(token string) *harness {
	c := *hs
	c.token = token
	return &c
}

// clear gives a member what a withdrawal needs under the default policy: a certified W-9, a bank
// account and verified KYC (recorded by the admin).
func (hs *harness) clear(id string) {
	hs.t.Helper()
	for _, c := range []struct {
		method, path string
		body         map[string]any
	}{
		{"PUT", "/tax-profile", map[string]any{"legal_name": "Member " + id, "entity_type": "individual", "tin_type": "ssn", "tin": "123-45-6789", "certify": true,
			"address": map[string]any{"line1": "1 Main St", "city": "Austin", "state": "TX", "postal_code": "78701"}}},
		{"PUT", "/payout-method", map[string]any{"account_holder": "Member " + id, "routing_number": "011000015", "account_number": "000123456789", "account_type": "checking"}},
		{"POST", "/kyc", map[string]any{"status": "verified"}},
	} {
		if code, b := hs.call(c.method, "/api/v1/members/"+id+c.path, c.body); code != 200 {
			hs.t.Fatalf("%s %s for %s: %d %v", c.method, c.path, id, code, b)
		}
	}
}

func (hs *harness) csv(path string) (int, string) {
	req := httptest.NewRequest("GET", path, nil)
	req.Header.Set("Authorization", "Bearer "+hs.token)
	w := httptest.NewRecorder()
	hs.h.ServeHTTP(w, req)
	b, _ := io.ReadAll(w.Body)
	return w.Code, string(b)
}

func TestWalletsWithdrawalsExportsAndAudit(t *testing.T) {
	hs := newHarnessAt(t, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	code, _ := hs.call("POST", "/api/v1/members", map[string]any{"id": "A", "name": "Ana", "email": "ana@example.com", "password": "ana-password",
		"plan": "consultant", "sponsor_id": "root", "placement": at("root", "left"), "registered_at": "2026-01-01T00:30:00Z"})
	if code != 201 {
		t.Fatal("register A")
	}
	hs.register("B", "consultant", "root", at("root", "right"))
	hs.register("cu", "customer", "A", nil)
	sun := hs.vendor("sun")
	link := signup("e0", "cu", "A")
	link["occurred_at"] = "2026-01-04T00:00:00Z" // the vendor's sign-up links its customer (#14)
	hs.send("sun", sun, events(link, activated("e1", "a1", "cu", "SOLAR-6KW", "2026-01-05T00:00:00Z"), activated("e2", "a2", "cu", "THERMOSTAT", "2026-01-06T00:00:00Z")), 0)
	_, d := hs.call("POST", "/api/v1/payout-runs", map[string]any{"period_end": "2026-01-12T00:00:00Z"})
	runID := d["id"].(string)
	if code, _ := hs.csv("/api/v1/payout-runs/" + runID + "/export.csv"); code != 409 {
		t.Errorf("a draft is not exported: %d", code)
	}
	hs.call("POST", "/api/v1/payout-runs/"+runID+"/commit", nil)

	// A's credit: retail 300 + 15 (S = A for its customer's activations). Balance = the ledger's sum.
	_, w := hs.call("GET", "/api/v1/members/A/wallet", nil)
	if w["balance"] != "315.00" || len(w["entries"].([]any)) != 1 || w["entries"].([]any)[0].(map[string]any)["kind"] != "credit" {
		t.Fatalf("wallet A: %v", w)
	}
	code, csvText := hs.csv("/api/v1/payout-runs/" + runID + "/export.csv")
	if code != 200 || !strings.HasPrefix(csvText, "line_id,member_id,type,amount") || !strings.Contains(csvText, ",A,retail,300.00,sun:a1,") {
		t.Errorf("run export: %d\n%s", code, csvText)
	}

	// The consultant's own view.
	_, login := hs.call("POST", "/api/v1/auth/login", map[string]any{"email": "ana@example.com", "password": "ana-password"})
	ana := hs.as(login["token"].(string))
	if code, _ := ana.call("GET", "/api/v1/members/A/wallet", nil); code != 200 {
		t.Errorf("own wallet: %d", code)
	}
	if code, _ := ana.call("GET", "/api/v1/members/B/wallet", nil); code != 404 {
		t.Errorf("someone else's wallet must not be found: %d", code)
	}
	if code, _ := ana.call("GET", "/api/v1/withdrawals", nil); code != 403 {
		t.Errorf("withdrawal administration is for admins: %d", code)
	}

	// Withdrawals: first what compliance asks, then minimum, balance, one open request, decisions, ledger.
	if code, b := ana.call("POST", "/api/v1/members/A/withdrawals", map[string]any{"amount": "100.00"}); code != 422 || !strings.Contains(fmt.Sprint(b), "kyc") {
		t.Errorf("a withdrawal before KYC and the W-9: %d %v", code, b)
	}
	hs.clear("A")
	for amt, want := range map[string]int{"10.00": 422, "400.00": 422, "abc": 422} {
		if code, b := ana.call("POST", "/api/v1/members/A/withdrawals", map[string]any{"amount": amt}); code != want {
			t.Errorf("withdraw %s: %d %v", amt, code, b)
		}
	}
	code, wd := ana.call("POST", "/api/v1/members/A/withdrawals", map[string]any{"amount": "200.00"})
	if code != 201 || wd["status"] != "requested" {
		t.Fatalf("request: %d %v", code, wd)
	}
	if code, _ := ana.call("POST", "/api/v1/members/A/withdrawals", map[string]any{"amount": "50.00"}); code != 409 {
		t.Errorf("a second open request: %d", code)
	}
	_, w = hs.call("GET", "/api/v1/members/A/wallet", nil)
	if w["balance"] != "115.00" {
		t.Errorf("the request takes the amount out at once: %v", w["balance"])
	}
	id := wd["id"].(string)
	if code, _ := hs.call("POST", "/api/v1/withdrawals/"+id+"/reject", nil); code != 422 {
		t.Errorf("a rejection needs a reason: %d", code)
	}
	if code, _ := hs.call("POST", "/api/v1/withdrawals/"+id+"/reject", map[string]any{"reason": "bank details missing"}); code != 200 {
		t.Errorf("reject: %d", code)
	}
	_, w = hs.call("GET", "/api/v1/members/A/wallet", nil)
	if w["balance"] != "315.00" || len(w["entries"].([]any)) != 3 {
		t.Errorf("a rejection puts the amount back: %v", w)
	}
	_, wd = ana.call("POST", "/api/v1/members/A/withdrawals", map[string]any{"amount": "100.00"})
	id = wd["id"].(string)
	if code, _ := hs.call("POST", "/api/v1/withdrawals/"+id+"/mark-paid", map[string]any{"payment_reference": "x"}); code != 409 {
		t.Errorf("only approved withdrawals are paid: %d", code)
	}
	if code, b := hs.call("POST", "/api/v1/withdrawals/"+id+"/approve", nil); code != 200 || b["status"] != "approved" {
		t.Errorf("approve: %d %v", code, b)
	}
	code, csvText = hs.csv("/api/v1/withdrawals/export.csv")
	if code != 200 || !strings.Contains(csvText, id+",A,Ana,ana@example.com,100.00,") {
		t.Errorf("approved export: %d\n%s", code, csvText)
	}
	if code, _ := hs.call("POST", "/api/v1/withdrawals/"+id+"/mark-paid", nil); code != 422 {
		t.Errorf("paid needs a reference: %d", code)
	}
	if code, b := hs.call("POST", "/api/v1/withdrawals/"+id+"/mark-paid", map[string]any{"payment_reference": "SEPA-123"}); code != 200 || b["status"] != "paid" || b["payment_reference"] != "SEPA-123" {
		t.Errorf("mark paid: %d %v", code, b)
	}
	if code, _ := hs.call("POST", "/api/v1/withdrawals/"+id+"/explode", nil); code != 404 {
		t.Errorf("unknown decision: %d", code)
	}

	// Adjustments need a reason; every admin action is audited with before and after.
	if code, _ := hs.call("POST", "/api/v1/members/A/wallet/adjustments", map[string]any{"amount": "-5.00"}); code != 422 {
		t.Errorf("adjustment without a reason: %d", code)
	}
	if code, _ := hs.call("POST", "/api/v1/members/A/wallet/adjustments", map[string]any{"amount": "-5.00", "reason": "fee"}); code != 201 {
		t.Errorf("adjustment: %d", code)
	}
	_, w = hs.call("GET", "/api/v1/members/A/wallet", nil)
	if w["balance"] != "210.00" {
		t.Errorf("balance after withdrawal and adjustment: %v", w["balance"])
	}
	kinds := map[string]int{}
	for _, e := range w["entries"].([]any) {
		kinds[e.(map[string]any)["kind"].(string)]++
	}
	if kinds["withdrawal"] != 2 || kinds["reversal"] != 1 || kinds["withdrawal_approved"] != 1 || kinds["withdrawal_paid"] != 1 || kinds["adjustment"] != 1 || kinds["credit"] != 1 {
		t.Errorf("every withdrawal state change is in the ledger: %v", kinds)
	}
	_, sv := hs.call("GET", "/api/v1/members/cu/services", nil)
	if svs := sv["services"].([]any); len(svs) != 2 || svs[0].(map[string]any)["vendor"] != "sun" || svs[0].(map[string]any)["status"] != "active" || len(sv["vendors"].([]any)) != 1 {
		t.Errorf("services of cu: %v", sv)
	}
	hs.call("POST", "/api/v1/members/B/upgrade", map[string]any{"plan": "consultant_plus", "occurred_at": "2026-01-20T00:00:00Z"})
	_, a := hs.call("GET", "/api/v1/audit?action=member.upgrade", nil)
	items := a["items"].([]any)
	if len(items) != 1 {
		t.Fatalf("audit: %v", a)
	}
	e := items[0].(map[string]any)
	if e["actor"] != "admin:admin@example.com" || e["before"].(map[string]any)["plan"] != "consultant" || e["after"].(map[string]any)["plan"] != "consultant_plus" {
		t.Errorf("audit entry: %v", e)
	}
	for _, action := range []string{"payout.commit", "withdrawal.approve", "withdrawal.reject", "withdrawal.mark-paid", "wallet.adjust", "vendor.create", "member.register"} {
		_, a := hs.call("GET", "/api/v1/audit?action="+action, nil)
		if len(a["items"].([]any)) == 0 {
			t.Errorf("no audit entry for %s", action)
		}
	}
	// Dashboards.
	if err := hs.counters.Tick(t.Context()); err != nil {
		t.Fatal(err)
	}
	if err := hs.projector.Refresh(t.Context(), true); err != nil {
		t.Fatal(err)
	}
	code, db := ana.call("GET", "/api/v1/members/A/dashboard", nil)
	if code != 200 {
		t.Fatalf("consultant dashboard: %d %v", code, db)
	}
	last := db["last_run_earnings"].(map[string]any)
	if last["total"] != "315.00" || last["by_type"].(map[string]any)["retail"] != "315.00" || last["by_vendor"].(map[string]any)["sun"] != "315.00" {
		t.Errorf("last run earnings: %v", last)
	}
	if db["lifetime_earnings"].(map[string]any)["total"] != "315.00" || db["wallet"].(map[string]any)["balance"] != "210.00" {
		t.Errorf("lifetime and wallet: %v %v", db["lifetime_earnings"], db["wallet"])
	}
	custs := db["customers"].([]any)
	if len(custs) != 1 || len(custs[0].(map[string]any)["services"].([]any)) != 2 {
		t.Errorf("customers with services: %v", custs)
	}
	nr := db["next_rank"].(map[string]any)
	if nr["name"] != "bronze" || nr["sponsored_actives"].(map[string]any)["required"] != "2" {
		t.Errorf("next rank: %v", nr)
	}
	proj := db["projected_earnings"].(map[string]any)
	if proj["period_end"] != "2026-01-19T00:00:00Z" || proj["as_of"] == nil {
		t.Errorf("projection: %v", proj)
	}
	if g := db["downline"].(map[string]any)["generations"].([]any); g[0] != float64(1) {
		t.Errorf("generation 1 of A holds its customer: %v", g)
	}
	_, bt := hs.call("GET", "/api/v1/members/root/binary-tree?depth=1", nil)
	rootNode := bt["items"].([]any)[0].(map[string]any)
	if rootNode["active"] != true || rootNode["left_volume"] == nil {
		t.Errorf("genealogy view node: %v", rootNode)
	}
	if code, _ := ana.call("GET", "/api/v1/members/B/dashboard", nil); code != 404 {
		t.Errorf("B is beside A: %d", code)
	}
	_, cd := hs.call("GET", "/api/v1/members/cu/customer-dashboard", nil)
	if svs := cd["services"].([]any); len(svs) != 2 || cd["consultant"].(map[string]any)["email"] != "ana@example.com" {
		t.Errorf("customer dashboard: %v", cd)
	}
	_, ad := hs.call("GET", "/api/v1/admin/dashboard", nil)
	network := map[string]float64{}
	for _, x := range ad["network"].([]any) {
		m := x.(map[string]any)
		network[m["plan"].(string)+"/"+m["rank"].(string)] += m["members"].(float64)
	}
	if network["consultant/none"] != 1 || network["consultant_plus/none"] != 2 || network["customer/none"] != 1 {
		t.Errorf("network size: %v", network)
	}
	sales := map[string]string{}
	for _, x := range ad["sales"].([]any) {
		m := x.(map[string]any)
		sales[m["vendor"].(string)+"@"+m["month"].(string)] = m["bv"].(string)
	}
	if sales["sun@2026-01"] != "410.00" || sales["plan@2026-01"] != "350.00" {
		t.Errorf("sales by vendor and month: %v", sales)
	}
	if len(ad["runs"].([]any)) != 1 || ad["health"].(map[string]any)["status"] == nil {
		t.Errorf("admin dashboard: %v", ad)
	}
	_, a = hs.call("GET", "/api/v1/audit?action=withdrawal.request&actor=A", nil)
	if len(a["items"].([]any)) != 2 {
		t.Errorf("the consultant's own requests are audited under its id: %v", a)
	}
}

func TestImportedOpeningBalanceIsTheFirstLedgerEntry(t *testing.T) {
	hs := newHarness(t)
	hash, _ := bcrypt.GenerateFromPassword([]byte("x-password"), bcrypt.MinCost)
	code, body := hs.raw("POST", "/api/v1/members/import", "application/x-ndjson", importFile(string(hash)))
	if code != 202 {
		t.Fatalf("import: %d %v", code, body)
	}
	hs.waitImport(body["id"].(string))
	_, w := hs.call("GET", "/api/v1/members/I1/wallet", nil)
	if w["balance"] != "42.10" || w["entries"].([]any)[0].(map[string]any)["kind"] != "opening" {
		t.Errorf("opening balance: %v", w)
	}
}
