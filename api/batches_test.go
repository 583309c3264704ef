package api_test

import (
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/halo-oss/halo/internal/testenv"
)

// checkNACHA reads an ACH file back with achkit (PyPI, installed by scripts/test.sh) and checks
// it against the expected entries.
func checkNACHA(t *testing.T, file string, want map[string]any) {
	t.Helper()
	py := os.Getenv("HALO_ACHKIT_PYTHON")
	if py == "" {
		if testenv.CI() {
			t.Fatal("HALO_ACHKIT_PYTHON is not set under CI=true (scripts/test.sh installs achkit)")
		}
		t.Log("no achkit (run scripts/test.sh): the independent NACHA check is skipped")
		return
	}
	dir := t.TempDir()
	achPath, wantPath := filepath.Join(dir, "batch.ach"), filepath.Join(dir, "want.json")
	b, _ := json.Marshal(want)
	if err := os.WriteFile(achPath, []byte(file), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(wantPath, b, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(py, "../scripts/nacha_check.py", achPath, wantPath).CombinedOutput()
	if err != nil {
		t.Fatalf("achkit finds the file wrong: %v\n%s", err, out)
	}
	t.Logf("achkit: %s", strings.TrimSpace(string(out)))
}

func (hs *harness) text(path string) (int, string) {
	hs.t.Helper()
	req := httptest.NewRequest("GET", path, nil)
	req.Header.Set("Authorization", "Bearer "+hs.token)
	w := httptest.NewRecorder()
	hs.h.ServeHTTP(w, req)
	return w.Code, w.Body.String()
}

// Approved withdrawals become a batch, the batch an ACH file an independent parser reads back
// to the cent, the sent batch paid withdrawals; a return puts the money back.
func TestPayoutBatchNACHAAndReturns(t *testing.T) {
	hs := newHarness(t)
	hs.app.Compliance.Policy = "backup_withholding"
	members := []string{"ana", "bob", "cy", "dee", "eve"}
	withdrawals := map[string]string{}
	for i, id := range members {
		hs.member(id, "consultant", "root")
		hs.call("POST", "/api/v1/members/"+id+"/wallet/adjustments", map[string]any{"amount": "1000.00", "reason": "test funds"})
		if id == "cy" { // no W-9: paid with backup withholding
			hs.call("POST", "/api/v1/members/cy/kyc", map[string]any{"status": "verified"})
			hs.call("PUT", "/api/v1/members/cy/payout-method", map[string]any{"account_holder": "Cy Savings", "routing_number": "021000021",
				"account_number": "99887766", "account_type": "savings"})
		} else {
			hs.clear(id)
		}
		code, w := hs.call("POST", "/api/v1/members/"+id+"/withdrawals", map[string]any{"amount": fmt.Sprintf("%d.%02d", 100+i*37, i*13)})
		if code != 201 {
			t.Fatalf("%s: %d %v", id, code, w)
		}
		withdrawals[id] = w["id"].(string)
		if code, b := hs.call("POST", "/api/v1/withdrawals/"+w["id"].(string)+"/approve", nil); code != 200 && id != "eve" {
			t.Fatalf("approve %s: %d %v", id, code, b)
		}
	}
	hs.call("POST", "/api/v1/members/dee/hold", map[string]any{"reason": "review"}) // approved, then held: skipped
	if code, b := hs.call("POST", "/api/v1/payout-batches", map[string]any{"effective_date": "2020-01-01T00:00:00Z"}); code != 422 {
		t.Errorf("an effective date in the past: %d %v", code, b)
	}
	// Six admins create a batch at the same moment: every withdrawal lands in exactly one.
	var wg sync.WaitGroup
	results := make([]map[string]any, 6)
	codes := make([]int, 6)
	for i := range results {
		wg.Add(1)
		go func() { defer wg.Done(); codes[i], results[i] = hs.call("POST", "/api/v1/payout-batches", nil) }()
	}
	wg.Wait()
	var batch map[string]any
	for i, c := range codes {
		switch c {
		case 201:
			if batch != nil {
				t.Fatalf("two batches: %v and %v", batch["id"], results[i]["id"])
			}
			batch = results[i]
		case 422: // nothing left to pay
		default:
			t.Fatalf("parallel batch: %d %v", c, results[i])
		}
	}
	if batch == nil {
		t.Fatalf("no batch: %v", codes)
	}
	entries := batch["entries"].([]any)
	skipped := fmt.Sprint(batch["skipped"])
	if len(entries) != 4 || !strings.Contains(skipped, "compliance hold") || batch["status"] != "created" {
		t.Fatalf("batch: %d entries, skipped %s", len(entries), skipped)
	}
	var want []map[string]any
	var total int64
	for _, e := range entries {
		m := e.(map[string]any)
		amt, _ := parseCents(m["amount"].(string))
		total += amt
		routing, account, code := "011000015", "000123456789", 22
		if m["member_id"] == "cy" {
			routing, account, code = "021000021", "99887766", 32
			// 24 % of 174.26 is 41.82: the bank pays 132.44.
			if m["amount"] != "132.44" {
				t.Errorf("cy's entry is %v, want the net 132.44", m["amount"])
			}
		}
		want = append(want, map[string]any{"routing": routing, "account": account, "amount_cents": amt, "name": strings.ToUpper(m["account_holder"].(string)),
			"id": strings.ToUpper(m["member_id"].(string)), "txn_code": code})
		if m["account_number"] != "****6789" && m["account_number"] != "****7766" {
			t.Errorf("entry shows the account %v", m["account_number"])
		}
	}
	code, file := hs.text("/api/v1/payout-batches/" + batch["id"].(string) + "/nacha")
	if code != 200 || len(strings.Split(strings.TrimSpace(file), "\n"))%10 != 0 {
		t.Fatalf("nacha: %d\n%s", code, file)
	}
	checkNACHA(t, file, map[string]any{"company_name": "HALO DEMO", "company_id": "1987654321", "entries": want})
	_, audit := hs.call("GET", "/api/v1/audit?action=payout_batch.download", nil)
	if !strings.Contains(fmt.Sprint(audit), batch["id"].(string)) {
		t.Error("the file download is not audited")
	}
	if code, b := hs.call("POST", "/api/v1/withdrawals/"+withdrawals["ana"]+"/reject", map[string]any{"reason": "changed my mind"}); code != 409 {
		t.Errorf("rejecting a batched withdrawal: %d %v", code, b)
	}
	if code, b := hs.call("POST", "/api/v1/payout-batches/"+batch["id"].(string)+"/sent", nil); code != 200 || b["status"] != "sent" {
		t.Fatalf("sent: %d %v", code, b)
	}
	if code, _ := hs.call("POST", "/api/v1/payout-batches/"+batch["id"].(string)+"/sent", nil); code != 409 {
		t.Errorf("sent twice: %d", code)
	}
	_, w := hs.call("GET", "/api/v1/members/bob/withdrawals", nil)
	if s := fmt.Sprint(w["items"]); !strings.Contains(s, "status:paid") || !strings.Contains(s, "trace ") {
		t.Errorf("bob's withdrawal after the batch: %s", s)
	}
	// The bank returns bob's payment (no account): the money is back, the withdrawal says why.
	if code, b := hs.call("POST", "/api/v1/withdrawals/"+withdrawals["bob"]+"/return", map[string]any{"return_code": "R99"}); code != 422 {
		t.Errorf("an unknown return code: %d %v", code, b)
	}
	code, ret := hs.call("POST", "/api/v1/withdrawals/"+withdrawals["bob"]+"/return", map[string]any{"return_code": "r03", "note": "bank letter 12"})
	if code != 200 || ret["status"] != "returned" || !strings.Contains(fmt.Sprint(ret["reason"]), "R03 No account") {
		t.Fatalf("return: %d %v", code, ret)
	}
	if code, _ := hs.call("POST", "/api/v1/withdrawals/"+withdrawals["bob"]+"/return", map[string]any{"return_code": "R03"}); code != 409 {
		t.Errorf("returned twice: %d", code)
	}
	_, wallet := hs.call("GET", "/api/v1/members/bob/wallet", nil)
	if wallet["balance"] != "1000.00" || !strings.Contains(fmt.Sprint(wallet["entries"]), "kind:return") {
		t.Errorf("bob's wallet after the return: %v", wallet)
	}
	if code, b := hs.call("GET", "/api/v1/payout-batches/"+batch["id"].(string), nil); code != 200 || !strings.Contains(fmt.Sprint(b["entries"]), "status:returned") {
		t.Errorf("the batch shows the return: %d %v", code, b)
	}
	if total == 0 {
		t.Error("no total")
	}
}

func parseCents(s string) (int64, error) {
	var whole, frac int64
	_, err := fmt.Sscanf(strings.Replace(s, ".", " ", 1), "%d %d", &whole, &frac)
	return whole*100 + frac, err
}
