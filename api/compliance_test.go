package api_test

import (
	"fmt"
	"strings"
	"sync"
	"testing"
)

var w9 = map[string]any{"legal_name": "Ana Ruiz", "entity_type": "individual", "tin_type": "ssn", "tin": "123-45-6789", "certify": true,
	"address": map[string]any{"line1": "1 Main St", "city": "Austin", "state": "TX", "postal_code": "78701"}}

// Tax and bank data: the member's own and admins', masked everywhere, sealed at rest, never in
// the audit log; a withdrawal waits for what the policy asks.
func TestTaxProfilePayoutMethodAndKYC(t *testing.T) {
	hs := newHarness(t)
	ana := hs.member("ana", "consultant", "root")
	bob := hs.member("bob", "consultant", "ana")
	hs.call("POST", "/api/v1/members/ana/wallet/adjustments", map[string]any{"amount": "500.00", "reason": "test funds"})
	bad := map[string]any{}
	for k, v := range w9 {
		bad[k] = v
	}
	bad["tin"] = "666-45-6789"
	if code, b := ana.call("PUT", "/api/v1/members/ana/tax-profile", bad); code != 422 || !strings.Contains(fmt.Sprint(b), "field:tin ") {
		t.Errorf("a malformed TIN: %d %v", code, b)
	}
	code, st := ana.call("PUT", "/api/v1/members/ana/tax-profile", w9)
	if code != 200 || st["tax_profile"].(map[string]any)["tin"] != "***-**-6789" {
		t.Fatalf("W-9: %d %v", code, st)
	}
	if code, b := ana.call("PUT", "/api/v1/members/ana/payout-method", map[string]any{"account_holder": "Ana Ruiz", "routing_number": "011000016",
		"account_number": "000123456789", "account_type": "checking"}); code != 422 || !strings.Contains(fmt.Sprint(b), "routing_number") {
		t.Errorf("a wrong check digit: %d %v", code, b)
	}
	if code, b := ana.call("POST", "/api/v1/members/ana/withdrawals", map[string]any{"amount": "100.00"}); code != 422 || !strings.Contains(fmt.Sprint(b), "field:kyc") {
		t.Errorf("a withdrawal before KYC: %d %v", code, b)
	}
	if code, _ := ana.call("POST", "/api/v1/members/ana/kyc", map[string]any{"status": "verified"}); code != 403 {
		t.Errorf("a consultant verifies itself: %d", code)
	}
	hs.call("POST", "/api/v1/members/ana/kyc", map[string]any{"status": "verified"})
	if code, b := ana.call("POST", "/api/v1/members/ana/withdrawals", map[string]any{"amount": "100.00"}); code != 422 || !strings.Contains(fmt.Sprint(b), "field:payout_method") {
		t.Errorf("a withdrawal without a bank account: %d %v", code, b)
	}
	code, st = ana.call("PUT", "/api/v1/members/ana/payout-method", map[string]any{"account_holder": "Ana Ruiz", "routing_number": "011000015",
		"account_number": "000123456789", "account_type": "checking"})
	if code != 200 || st["payout_method"].(map[string]any)["account_number"] != "****6789" || st["can_withdraw"] != true {
		t.Fatalf("payout method: %d %v", code, st)
	}
	// Only the member itself and admins; masked for both.
	if code, _ := bob.call("GET", "/api/v1/members/ana/compliance", nil); code != 404 {
		t.Errorf("another consultant reads ana's tax data: %d", code)
	}
	_, adm := hs.call("GET", "/api/v1/members/ana/compliance", nil)
	_, audit := hs.call("GET", "/api/v1/audit?limit=200", nil)
	for what, v := range map[string]any{"admin view": adm, "audit": audit} {
		if s := fmt.Sprint(v); strings.Contains(s, "123456789") || strings.Contains(s, "123-45-6789") || strings.Contains(s, "000123456789") {
			t.Errorf("%s shows a full TIN or account number", what)
		}
	}
	if n, _ := hs.st.CountForTests(t.Context(), "MATCH (c:Compliance {member_id: 'ana'}) WHERE c.tin_enc CONTAINS '6789' OR c.account_enc CONTAINS '456789' OR c.tin_last4 <> '6789' RETURN count(c) AS n"); n != 0 {
		t.Error("a TIN or account number at rest in clear")
	}
	if code, w := ana.call("POST", "/api/v1/members/ana/withdrawals", map[string]any{"amount": "100.00"}); code != 201 || w["backup_withholding"] != nil {
		t.Errorf("a cleared withdrawal: %d %v", code, w)
	}
}

// Holds: requests wait, approvals are refused, a held balance can be forfeited (once, within the
// balance, however many admins click at once); under backup withholding 24 % is kept back.
func TestHoldsForfeitsAndBackupWithholding(t *testing.T) {
	hs := newHarness(t)
	hs.member("ana", "consultant", "root")
	hs.call("POST", "/api/v1/members/ana/wallet/adjustments", map[string]any{"amount": "100.00", "reason": "test funds"})
	hs.clear("ana")
	if code, _ := hs.call("POST", "/api/v1/members/ana/hold", map[string]any{"reason": ""}); code != 422 {
		t.Errorf("a hold without a reason: %d", code)
	}
	if code, b := hs.call("POST", "/api/v1/members/ana/hold/forfeit", map[string]any{"amount": "10.00", "reason": "x"}); code != 409 {
		t.Errorf("forfeit without a hold: %d %v", code, b)
	}
	// Twelve admins place the hold at once: one succeeds, the rest are told it is held.
	var wg sync.WaitGroup
	codes := make([]int, 12)
	for i := range codes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			codes[i], _ = hs.call("POST", "/api/v1/members/ana/hold", map[string]any{"reason": "document review"})
		}()
	}
	wg.Wait()
	if n := count(codes, 200); n != 1 || count(codes, 409) != 11 {
		t.Errorf("parallel holds: %v", codes)
	}
	code, w := hs.call("POST", "/api/v1/members/ana/withdrawals", map[string]any{"amount": "50.00"})
	if code != 201 || w["on_hold"] != true {
		t.Fatalf("a held member's request: %d %v", code, w)
	}
	if code, b := hs.call("POST", "/api/v1/withdrawals/"+w["id"].(string)+"/approve", nil); code != 409 || !strings.Contains(fmt.Sprint(b), "compliance hold") {
		t.Errorf("approval under a hold: %d %v", code, b)
	}
	// Twelve forfeits of 30.00 race against a balance of 50.00: exactly one.
	for i := range codes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			codes[i], _ = hs.call("POST", "/api/v1/members/ana/hold/forfeit", map[string]any{"amount": "30.00", "reason": "prohibited practice"})
		}()
	}
	wg.Wait()
	if count(codes, 201) != 1 || count(codes, 422) != 11 {
		t.Errorf("parallel forfeits: %v", codes)
	}
	_, wallet := hs.call("GET", "/api/v1/members/ana/wallet", nil)
	if wallet["balance"] != "20.00" || !strings.Contains(fmt.Sprint(wallet["entries"]), "kind:forfeit") {
		t.Errorf("after the forfeit: %v", wallet)
	}
	hs.call("POST", "/api/v1/members/ana/hold/release", map[string]any{"reason": "review closed"})
	if code, _ := hs.call("POST", "/api/v1/withdrawals/"+w["id"].(string)+"/approve", nil); code != 200 {
		t.Errorf("approval after the release: %d", code)
	}

	// Backup withholding: no W-9, KYC verified, a bank account.
	hs.app.Compliance.Policy = "backup_withholding"
	hs.member("cy", "consultant", "root")
	hs.call("POST", "/api/v1/members/cy/wallet/adjustments", map[string]any{"amount": "200.00", "reason": "test funds"})
	hs.call("POST", "/api/v1/members/cy/kyc", map[string]any{"status": "verified"})
	hs.call("PUT", "/api/v1/members/cy/payout-method", map[string]any{"account_holder": "Cy", "routing_number": "011000015", "account_number": "1234567", "account_type": "savings"})
	_, st := hs.call("GET", "/api/v1/members/cy/compliance", nil)
	if st["backup_withholding_rate"] != "24.00" || st["can_withdraw"] != true {
		t.Errorf("compliance under backup withholding: %v", st)
	}
	code, w = hs.call("POST", "/api/v1/members/cy/withdrawals", map[string]any{"amount": "100.01"})
	if code != 201 || w["backup_withholding"] != "24.00" || w["net"] != "76.01" {
		t.Fatalf("withheld: %d %v", code, w)
	}
	_, wallet = hs.call("GET", "/api/v1/members/cy/wallet", nil)
	if wallet["balance"] != "99.99" || !strings.Contains(fmt.Sprint(wallet["entries"]), "amount:-24.00") || !strings.Contains(fmt.Sprint(wallet["entries"]), "amount:-76.01") {
		t.Errorf("ledger under withholding: %v", wallet)
	}
}

func count(xs []int, v int) int {
	n := 0
	for _, x := range xs {
		if x == v {
			n++
		}
	}
	return n
}
