package api_test

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// vendor creates a vendor with the demo catalogue subset and returns its secret.
func (hs *harness) vendor(id string) string {
	hs.t.Helper()
	code, body := hs.call("POST", "/api/v1/vendors", map[string]any{"id": id, "name": "Vendor " + id})
	if code != 201 {
		hs.t.Fatalf("vendor %s: %d %v", id, code, body)
	}
	for _, p := range []map[string]any{
		{"sku": "SOLAR-6KW", "name": "Solar", "bv": "400", "cv": "1200.00", "retail_commission": "300.00"},
		{"sku": "THERMOSTAT", "name": "Thermostat", "bv": "10", "cv": "30.00", "retail_commission": "15.00"},
	} {
		sku := p["sku"].(string)
		delete(p, "sku")
		p["effective_from"] = "2020-01-01T00:00:00Z"
		if code, body := hs.call("PUT", "/api/v1/vendors/"+id+"/products/"+sku, p); code != 200 {
			hs.t.Fatalf("product %s: %d %v", sku, code, body)
		}
	}
	return body["signing_secret"].(string)
}

func sign(secret, ts string, body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(ts + "." + string(body)))
	return "sha256=" + hex.EncodeToString(m.Sum(nil))
}

// send posts a signed batch; ts 0 means now.
func (hs *harness) send(vendor, secret string, body []byte, ts int64) (int, map[string]any) {
	hs.t.Helper()
	if ts == 0 {
		ts = time.Now().Unix()
	}
	t := strconv.FormatInt(ts, 10)
	req := httptest.NewRequest("POST", "/api/v1/ingest/events", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Vendor-Id", vendor)
	req.Header.Set("X-Timestamp", t)
	req.Header.Set("X-Signature", sign(secret, t, body))
	w := httptest.NewRecorder()
	hs.h.ServeHTTP(w, req)
	var out map[string]any
	_ = json.Unmarshal(w.Body.Bytes(), &out)
	return w.Code, out
}

func events(evs ...map[string]any) []byte {
	b, _ := json.Marshal(map[string]any{"events": evs})
	return b
}

func signup(id, customer, sponsor string) map[string]any {
	return map[string]any{"id": id, "type": "customer.signup", "occurred_at": "2026-02-01T10:00:00Z",
		"data": map[string]any{"customer_id": customer, "name": "Customer " + customer, "email": customer + "@example.com", "sponsor_id": sponsor}}
}

func activated(id, act, member, sku, at string) map[string]any {
	return map[string]any{"id": id, "type": "service.activated", "occurred_at": at, "data": map[string]any{"activation_id": act, "member_id": member, "sku": sku}}
}

func cancelled(id, act, at string) map[string]any {
	return map[string]any{"id": id, "type": "service.cancelled", "occurred_at": at, "data": map[string]any{"activation_id": act}}
}

func statuses(body map[string]any) string {
	var out []string
	rs, _ := body["results"].([]any)
	for _, r := range rs {
		m := r.(map[string]any)
		s := fmt.Sprint(m["status"])
		if e, ok := m["error"].(map[string]any); ok {
			s += "(" + fmt.Sprint(e["code"]) + ")"
		}
		out = append(out, s)
	}
	return strings.Join(out, " ")
}

func TestIngestAuthenticationAndLimits(t *testing.T) {
	hs := newHarness(t)
	secret := hs.vendor("sun")
	body := events(signup("e1", "c1", "root"))
	for name, c := range map[string]struct {
		vendor, secret string
		ts             int64
	}{
		"bad signature":  {"sun", secret + "x", 0},
		"unknown vendor": {"nobody", secret, 0},
		"stale":          {"sun", secret, time.Now().Add(-6 * time.Minute).Unix()},
		"future":         {"sun", secret, time.Now().Add(6 * time.Minute).Unix()},
	} {
		if code, b := hs.send(c.vendor, c.secret, body, c.ts); code != 401 || b["error"].(map[string]any)["code"] != "unauthorized" {
			t.Errorf("%s: %d %v", name, code, b)
		}
	}
	big := bytes.Repeat([]byte(" "), 1<<20+1)
	if code, _ := hs.send("sun", secret, big, 0); code != 413 {
		t.Errorf("oversized body: %d", code)
	}
	if code, b := hs.send("sun", secret, []byte(`{"events": [`), 0); code != 400 {
		t.Errorf("malformed JSON: %d %v", code, b)
	}
	many := make([]map[string]any, 1001)
	for i := range many {
		many[i] = signup(fmt.Sprint("m", i), fmt.Sprint("cm", i), "root")
	}
	if code, b := hs.send("sun", secret, events(many...), 0); code != 422 {
		t.Errorf("1001 events: %d %v", code, b)
	}
	// Nothing of the refused requests was stored.
	if n, _ := hs.st.CountForTests(t.Context(), "MATCH (e:Event) RETURN count(e) AS n"); n != 0 {
		t.Errorf("%d events stored by refused requests", n)
	}
	// The secret is never shown again.
	_, v := hs.call("GET", "/api/v1/vendors/sun", nil)
	if _, leaked := v["signing_secret"]; leaked {
		t.Error("GET /vendors/{id} shows the secret")
	}
	n, _ := hs.st.CountForTests(t.Context(), "MATCH (v:Vendor {id: 'sun'}) WHERE v.secret_enc IS NOT NULL AND NOT v.secret_enc CONTAINS '"+secret[6:20]+"' RETURN count(v) AS n")
	if n != 1 {
		t.Error("the secret must be stored encrypted")
	}
	// Deactivated vendors are refused.
	hs.call("POST", "/api/v1/vendors/sun/deactivate", nil)
	if code, _ := hs.send("sun", secret, body, 0); code != 403 {
		t.Errorf("deactivated vendor: %d", code)
	}
}

func TestSecretRotationGracePeriod(t *testing.T) {
	hs := newHarness(t)
	old := hs.vendor("sun")
	_, rot := hs.call("POST", "/api/v1/vendors/sun/rotate-secret", map[string]any{"grace_seconds": 3600})
	fresh := rot["signing_secret"].(string)
	if fresh == old || rot["previous_secret_valid_until"] == nil {
		t.Fatalf("rotate: %v", rot)
	}
	if code, b := hs.send("sun", old, events(signup("e1", "c1", "root")), 0); code != 200 {
		t.Errorf("old secret within grace: %d %v", code, b)
	}
	if code, b := hs.send("sun", fresh, events(signup("e2", "c2", "root")), 0); code != 200 {
		t.Errorf("new secret: %d %v", code, b)
	}
	hs.call("POST", "/api/v1/vendors/sun/rotate-secret", map[string]any{"grace_seconds": 0})
	if code, _ := hs.send("sun", fresh, events(signup("e3", "c3", "root")), 0); code != 401 {
		t.Errorf("rotated-out secret after its grace: %d", code)
	}
}

func TestIngestEventRules(t *testing.T) {
	hs := newHarness(t)
	sun := hs.vendor("sun")
	eco := hs.vendor("eco")
	hs.register("A", "consultant", "root", at("root", "left"))
	hs.register("B", "consultant", "root", at("root", "right"))
	code, b := hs.send("sun", sun, events(
		signup("e1", "c1", "A"),
		activated("e2", "act-1", "c1", "SOLAR-6KW", "2026-02-02T10:00:00Z"),
		activated("e3", "act-2", "c1", "NOPE", "2026-02-02T10:00:00Z"),
		activated("e4", "act-3", "ghost", "SOLAR-6KW", "2026-02-02T10:00:00Z"),
		cancelled("e5", "act-1", "2026-02-01T09:00:00Z"), // before its activation
		cancelled("e6", "act-9", "2026-02-03T09:00:00Z"), // unknown
		signup("e1", "c1", "A"), // duplicate id in the same batch
		map[string]any{"id": "e7", "type": "service.exploded", "occurred_at": "2026-02-02T10:00:00Z", "data": map[string]any{}},
		activated("e8", "act-4", "A", "THERMOSTAT", "2026-02-02T11:00:00Z"), // a consultant's own activation
	), 0)
	want := "accepted accepted rejected(invalid) rejected(invalid) rejected(invalid) rejected(invalid) duplicate rejected(invalid) accepted"
	if code != 200 || statuses(b) != want {
		t.Fatalf("batch 1: %d\n got %s\nwant %s\n%v", code, statuses(b), want, b)
	}
	// Durable: the accepted events are in Neo4j now, with the product's values and S.
	n, _ := hs.st.CountForTests(t.Context(), "MATCH (s:Sale {id: 'sun:act-1', attributed_to: 'A', bv_cents: 40000, cv_cents: 120000, retail_cents: 30000})-[:OF]->(:Member:Customer {id: 'c1'})<-[:SERVES]-(:Vendor {id: 'sun'}) RETURN count(s) AS n")
	if n != 1 {
		t.Error("activation act-1 not stored as expected")
	}
	if n, _ := hs.st.CountForTests(t.Context(), "MATCH (s:Sale {id: 'sun:act-4', attributed_to: 'A'}) RETURN count(s) AS n"); n != 1 {
		t.Error("a consultant's own activation is attributed to itself")
	}
	// Across batches: duplicates; a rejected id is not used up; cancellation rules.
	code, b = hs.send("sun", sun, events(
		signup("e1", "c1", "A"), // duplicate of an accepted id
		activated("e3", "act-2", "c1", "SOLAR-6KW", "2026-02-02T10:00:00Z"), // e3 was rejected: the id is free
		cancelled("e9", "act-1", "2026-02-05T09:00:00Z"),
		cancelled("e10", "act-1", "2026-02-06T09:00:00Z"), // already cancelled
	), 0)
	if want := "duplicate accepted accepted rejected(conflict)"; code != 200 || statuses(b) != want {
		t.Fatalf("batch 2: %s, want %s", statuses(b), want)
	}
	// Another vendor: its own activation ids, no access to sun's, links an existing customer.
	code, b = hs.send("eco", eco, events(
		cancelled("x1", "act-2", "2026-02-06T09:00:00Z"),                     // sun's activation: unknown to eco
		signup("x3", "c1", "A"),                                              // same customer, same sponsor: linked
		activated("x2", "act-1", "c1", "THERMOSTAT", "2026-02-03T10:00:00Z"), // same activation id, eco's scope
		signup("x4", "c1", "B"),                                              // another sponsor: conflict
		signup("e1", "c9", "A"),                                              // eco's own e1 is a new id
	), 0)
	if want := "rejected(invalid) accepted accepted rejected(conflict) accepted"; code != 200 || statuses(b) != want {
		t.Fatalf("batch 3: %s, want %s (%v)", statuses(b), want, b)
	}
	if n, _ := hs.st.CountForTests(t.Context(), "MATCH (:Vendor {id: 'eco'})-[:SERVES]->(:Member {id: 'c1'}) RETURN count(*) AS n"); n != 1 {
		t.Error("eco must serve c1")
	}
	_, sv := hs.call("GET", "/api/v1/members/c1/services", nil)
	status := map[string]string{}
	for _, x := range sv["services"].([]any) {
		m := x.(map[string]any)
		status[m["vendor"].(string)+"/"+m["activation_id"].(string)] = m["status"].(string)
	}
	if status["sun/act-1"] != "cancelled" || status["sun/act-2"] != "active" || status["eco/act-1"] != "active" || len(sv["vendors"].([]any)) != 2 {
		t.Errorf("services of c1 by vendor with status: %v", sv)
	}
	// The audit log lists rejections with their reasons; they are not events.
	_, rej := hs.call("GET", "/api/v1/ingest/rejected?vendor_id=sun", nil)
	if items := rej["items"].([]any); len(items) != 6 {
		t.Errorf("rejected for sun: %d, want 6: %v", len(items), rej)
	}
	if n, _ := hs.st.CountForTests(t.Context(), "MATCH (e:Event) RETURN count(e) AS n"); n != 8 {
		t.Errorf("accepted events stored: %d, want 8 (3 + 2 + 3)", n)
	}
}

func TestProductVersionsApplyAsOfOccurredAt(t *testing.T) {
	hs := newHarness(t)
	sun := hs.vendor("sun")
	hs.call("PUT", "/api/v1/vendors/sun/products/SOLAR-6KW", map[string]any{"name": "Solar", "bv": "500", "cv": "1500.00", "retail_commission": "350.00", "effective_from": "2026-02-10T00:00:00Z"})
	hs.register("A", "consultant", "root", at("root", "left"))
	if code, b := hs.call("PUT", "/api/v1/vendors/sun/products/SOLAR-6KW", map[string]any{"bv": "-1", "cv": "x", "retail_commission": "1.001"}); code != 422 || len(b["error"].(map[string]any)["details"].([]any)) != 3 {
		t.Errorf("bad product: %d %v", code, b)
	}
	hs.send("sun", sun, events(activated("a1", "v1", "A", "SOLAR-6KW", "2026-02-09T23:59:59Z"), activated("a2", "v2", "A", "SOLAR-6KW", "2026-02-10T00:00:00Z")), 0)
	for id, bv := range map[string]int{"sun:v1": 40000, "sun:v2": 50000} {
		if n, _ := hs.st.CountForTests(t.Context(), fmt.Sprintf("MATCH (s:Sale {id: '%s', bv_cents: %d}) RETURN count(s) AS n", id, bv)); n != 1 {
			t.Errorf("%s must use the version in effect (bv %d)", id, bv)
		}
	}
	_, ps := hs.call("GET", "/api/v1/vendors/sun/products", nil)
	if vs := ps["products"].([]any)[0].(map[string]any)["versions"].([]any); len(vs) != 2 {
		t.Errorf("history: %v", ps)
	}
}

// The same batch sent by many clients at once: every event accepted exactly once.
func TestConcurrentDuplicateBatches(t *testing.T) {
	hs := newHarness(t)
	sun := hs.vendor("sun")
	hs.register("A", "consultant", "root", at("root", "left"))
	var evs []map[string]any
	for i := 0; i < 50; i++ {
		evs = append(evs, activated(fmt.Sprint("ev", i), fmt.Sprint("act", i), "A", "THERMOSTAT", "2026-02-02T10:00:00Z"))
	}
	body := events(evs...)
	var wg sync.WaitGroup
	var mu sync.Mutex
	accepted := map[string]int{}
	for c := 0; c < 8; c++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			code, b := hs.send("sun", sun, body, 0)
			if code != 200 {
				t.Errorf("concurrent batch: %d %v", code, b)
				return
			}
			mu.Lock()
			defer mu.Unlock()
			for _, r := range b["results"].([]any) {
				m := r.(map[string]any)
				if m["status"] == "accepted" {
					accepted[m["id"].(string)]++
				} else if m["status"] != "duplicate" {
					t.Errorf("unexpected %v", m)
				}
			}
		}()
	}
	wg.Wait()
	if len(accepted) != 50 {
		t.Errorf("accepted ids: %d, want 50", len(accepted))
	}
	for id, n := range accepted {
		if n != 1 {
			t.Errorf("%s accepted %d times", id, n)
		}
	}
	if n, _ := hs.st.CountForTests(t.Context(), "MATCH (s:Sale {kind: 'activation'}) RETURN count(s) AS n"); n != 50 {
		t.Errorf("activations stored: %d", n)
	}
}
