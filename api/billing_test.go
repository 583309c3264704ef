package api_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stripe/stripe-go/v82/webhook"

	"github.com/halo-oss/halo/internal/testenv"
)

// stripeEvent posts a payment_intent event to the webhook, signed as Stripe signs (built with
// stripe-go's test helper); at is the signature time.
func (hs *harness) stripeEvent(id, typ, paymentID string, at time.Time, secret string) (int, map[string]any) {
	hs.t.Helper()
	pi := map[string]any{"id": "pi_" + paymentID, "object": "payment_intent", "status": strings.TrimPrefix(typ, "payment_intent."),
		"metadata": map[string]any{"halo_payment_id": paymentID}}
	if typ == "payment_intent.payment_failed" {
		pi["last_payment_error"] = map[string]any{"message": "Your card was declined.", "type": "card_error"}
	}
	body, _ := json.Marshal(map[string]any{"id": id, "object": "event", "type": typ, "api_version": "2024-06-20", "created": at.Unix(),
		"data": map[string]any{"object": pi}})
	signed := webhook.GenerateTestSignedPayload(&webhook.UnsignedPayload{Payload: body, Secret: secret, Timestamp: at})
	req := httptest.NewRequest("POST", "/api/v1/payments/stripe/webhook", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Stripe-Signature", signed.Header)
	w := httptest.NewRecorder()
	hs.h.ServeHTTP(w, req)
	var out map[string]any
	_ = json.Unmarshal(w.Body.Bytes(), &out)
	return w.Code, out
}

// A self-registered pack is paid by card through Stripe (stripe-mock): it becomes a sale when the
// signed webhook says the payment succeeded — once, however many times it comes — and stays
// pending after a failure; a self-service upgrade is paid the same way.
func TestCardPaymentsForPacksAndUpgrades(t *testing.T) {
	testenv.StripeURL(t)
	hs := newHarness(t)
	hs.register("A", "consultant", "root", at("root", "left"))
	if code, b := hs.as("").call("POST", "/api/v1/join", map[string]any{"referral_code": "A", "id": "N", "name": "New", "email": "new@example.com",
		"password": "new-password", "plan": "consultant"}); code != 201 {
		t.Fatalf("join: %d %v", code, b)
	}
	_, tok := hs.login("new@example.com", "new-password")
	n := hs.as(tok)
	if code, b := n.call("POST", "/api/v1/members/N/payments", map[string]any{"purpose": "upgrade", "plan": "consultant_plus"}); code != 409 {
		t.Errorf("an upgrade before the pack is paid: %d %v", code, b)
	}
	code, pay := n.call("POST", "/api/v1/members/N/payments", map[string]any{"purpose": "pack"})
	if code != 201 || pay["amount"] != "99.00" || pay["status"] != "requires_payment" || pay["client_secret"] == "" || !strings.HasPrefix(pay["provider_id"].(string), "pi_") {
		t.Fatalf("start: %d %v", code, pay)
	}
	if _, again := n.call("POST", "/api/v1/members/N/payments", map[string]any{"purpose": "pack"}); again["id"] != pay["id"] {
		t.Errorf("a second start made another payment: %v", again["id"])
	}
	if code, _ := hs.as("").call("POST", "/api/v1/members/N/payments", map[string]any{"purpose": "pack"}); code != 401 {
		t.Errorf("anonymous payment start: %d", code)
	}
	id := pay["id"].(string)
	now := time.Now()
	for name, c := range map[string]struct {
		at     time.Time
		secret string
	}{"wrong secret": {now, "whsec_other"}, "replayed (6 minutes old)": {now.Add(-6 * time.Minute), stripeWebhookSecret}} {
		if code, b := hs.stripeEvent("evt_bad", "payment_intent.succeeded", id, c.at, c.secret); code != 401 {
			t.Errorf("%s: %d %v", name, code, b)
		}
	}
	// A failed payment leaves the pack pending; the member tries again with a new payment.
	if code, b := hs.stripeEvent("evt_fail", "payment_intent.payment_failed", id, now, stripeWebhookSecret); code != 200 {
		t.Fatalf("failed: %d %v", code, b)
	}
	_, m := hs.call("GET", "/api/v1/members/N", nil)
	_, list := n.call("GET", "/api/v1/members/N/payments", nil)
	if m["pack_pending"] != true || !strings.Contains(fmt.Sprint(list), "status:failed") || !strings.Contains(fmt.Sprint(list), "declined") {
		t.Fatalf("after a failure: %v %v", m, list)
	}
	_, pay2 := n.call("POST", "/api/v1/members/N/payments", map[string]any{"purpose": "pack"})
	if pay2["id"] == id {
		t.Fatal("a failed payment was offered again")
	}
	id2 := pay2["id"].(string)
	// The success, delivered eight times at once and once more later: one sale.
	var wg sync.WaitGroup
	codes := make([]int, 8)
	for i := range codes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			codes[i], _ = hs.stripeEvent("evt_ok", "payment_intent.succeeded", id2, now, stripeWebhookSecret)
		}()
	}
	wg.Wait()
	hs.stripeEvent("evt_ok", "payment_intent.succeeded", id2, now, stripeWebhookSecret)
	ok := 0
	for _, c := range codes {
		if c == 200 {
			ok++
		}
	}
	if ok == 0 {
		t.Fatalf("no delivery accepted: %v", codes)
	}
	_, m = hs.call("GET", "/api/v1/members/N", nil)
	if m["pack_pending"] == true {
		t.Fatal("the paid pack is still pending")
	}
	if n, _ := hs.st.CountForTests(t.Context(), "MATCH (s:Sale {id: 'pack:N'}) WHERE s.pending IS NULL RETURN count(s) AS n"); n != 1 {
		t.Errorf("%d pack sales", n)
	}
	_, audit := hs.call("GET", "/api/v1/audit?action=member.confirm_pack", nil)
	if items := audit["items"].([]any); len(items) != 1 || !strings.Contains(fmt.Sprint(items[0]), "stripe") {
		t.Errorf("pack confirmations: %v", items)
	}
	// A later event for the first (failed) payment changes nothing.
	hs.stripeEvent("evt_late", "payment_intent.succeeded", id, now, stripeWebhookSecret)
	// Self-service upgrade: the price difference, effective on the webhook.
	code, up := n.call("POST", "/api/v1/members/N/payments", map[string]any{"purpose": "upgrade", "plan": "consultant_plus"})
	if code != 201 || up["amount"] != "200.00" {
		t.Fatalf("upgrade payment: %d %v", code, up)
	}
	for i := range codes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			codes[i], _ = hs.stripeEvent("evt_up", "payment_intent.succeeded", up["id"].(string), now, stripeWebhookSecret)
		}()
	}
	wg.Wait()
	_, m = hs.call("GET", "/api/v1/members/N", nil)
	if m["plan"] != "consultant_plus" {
		t.Errorf("after the paid upgrade: %v (%v)", m["plan"], codes)
	}
	if n, _ := hs.st.CountForTests(t.Context(), "MATCH (s:Sale {kind: 'upgrade', member_id: 'N'}) RETURN count(s) AS n"); n != 1 {
		t.Errorf("%d upgrade sales", n)
	}
	// An event about a payment Halo did not make is acknowledged and ignored.
	if code, _ := hs.stripeEvent("evt_foreign", "payment_intent.succeeded", "pay-unknown", now, stripeWebhookSecret); code != 200 {
		t.Errorf("a foreign payment's event: %d", code)
	}
}
