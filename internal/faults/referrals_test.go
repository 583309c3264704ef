package faults

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/halo-oss/halo/internal/testenv"
)

// receiver is a vendor's webhook endpoint: down (503) until told otherwise, slow on purpose, and
// keeping every idempotency key it saw per referral.
type receiver struct {
	mu   sync.Mutex
	up   bool
	keys map[string][]string
	hits int
}

func (r *receiver) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	body, _ := io.ReadAll(req.Body)
	var wb struct {
		Referral struct {
			ID string `json:"id"`
		} `json:"referral"`
	}
	_ = json.Unmarshal(body, &wb)
	time.Sleep(20 * time.Millisecond)
	r.mu.Lock()
	r.hits++
	up := r.up
	if up {
		r.keys[wb.Referral.ID] = append(r.keys[wb.Referral.ID], req.Header.Get("Idempotency-Key"))
	}
	r.mu.Unlock()
	if !up {
		http.Error(w, "maintenance", http.StatusServiceUnavailable)
		return
	}
	w.WriteHeader(http.StatusOK)
}

func (r *receiver) state() (hits, unique int, keys map[string][]string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	keys = map[string][]string{}
	for k, v := range r.keys {
		keys[k] = append([]string(nil), v...)
	}
	return r.hits, len(r.keys), keys
}

// halod killed with referral deliveries pending — some failing against a vendor that is down,
// some in flight — delivers every one after its restart: nothing lost, a repeat only ever with
// the same idempotency key.
func TestReferralDeliveriesSurviveKill9(t *testing.T) {
	needStack(t)
	st := testenv.Store(t)
	rcv := &receiver{keys: map[string][]string{}}
	srv := httptest.NewServer(rcv)
	defer srv.Close()
	h := &halod{t: t, bin: build(t), addr: freePort(t), env: []string{"HALO_WEBHOOK_ALLOW=127.0.0.1", "HALO_WEBHOOK_TIMEOUT=2s",
		"HALO_WEBHOOK_BACKOFF=200ms", "HALO_WEBHOOK_BACKOFF_MAX=1s", "HALO_WEBHOOK_MAX_ATTEMPTS=100", "HALO_OUTBOX_WORKERS=8"}}
	h.start()
	defer func() { h.stop() }()
	c := &client{t: t, base: "http://" + h.addr}
	c.login()
	c.must("POST", "/api/v1/members", map[string]any{"id": "A", "name": "Ana", "email": "ana@example.com", "plan": "consultant",
		"sponsor_id": "root", "placement": map[string]any{"parent_id": "root", "leg": "left"}, "registered_at": "2026-01-01T01:00:00Z"}, 201)
	c.must("POST", "/api/v1/vendors", map[string]any{"id": "sun", "name": "Sun"}, 201)
	c.must("PUT", "/api/v1/vendors/sun/referral-settings", map[string]any{"webhook_url": srv.URL + "/leads"}, 200)
	const n = 150
	for i := range n {
		c.must("POST", "/api/v1/members/A/referrals", map[string]any{"vendor_id": "sun",
			"prospect": map[string]any{"name": fmt.Sprint("Prospect ", i), "email": fmt.Sprintf("p%d@example.com", i)},
			"consent":  map[string]any{"given": true, "text": "You may call me about solar.", "channel": "web"}}, 201)
	}
	// 1. The vendor is down: attempts fail and are rescheduled; halod dies among them.
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		if hits, _, _ := rcv.state(); hits >= 40 || time.Now().After(deadline) {
			break
		}
	}
	h.kill9()
	rcv.mu.Lock()
	rcv.up = true
	rcv.mu.Unlock()
	h.start()
	// 2. The vendor is up: deliveries flow; halod dies again in the middle of them.
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		if _, unique, _ := rcv.state(); unique >= n/3 || time.Now().After(deadline) {
			break
		}
	}
	h.kill9()
	_, before, _ := rcv.state()
	h.start()
	delivered := func() int64 {
		return count(t, st, "MATCH (d:Delivery {state: 'delivered'}) RETURN count(d) AS n")
	}
	for deadline := time.Now().Add(60 * time.Second); delivered() < n; time.Sleep(100 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("%d of %d deliveries after the restarts\n%s", delivered(), n, h.log.String())
		}
	}
	hits, unique, keys := rcv.state()
	repeats := 0
	for id, ks := range keys {
		repeats += len(ks) - 1
		for _, k := range ks {
			if k != ks[0] {
				t.Errorf("%s arrived with keys %v", id, ks)
			}
		}
	}
	if unique != n {
		t.Errorf("the vendor has %d of %d referrals", unique, n)
	}
	if m := count(t, st, "MATCH (r:Referral {status: 'delivered'}) RETURN count(r) AS n"); m != n {
		t.Errorf("%d referrals delivered, want %d", m, n)
	}
	t.Logf("referral outbox: %d referrals, halod killed twice (once while the vendor was down, once with %d delivered), %d requests in all, %d repeats (same key), 0 lost",
		n, before, hits, repeats)
}
