package api_test

import (
	"context"
	"encoding/json"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/halo-oss/halo/graph"
)

// Background work gives way to people using the API (graph.GiveWay, issue #19): every request
// under /api/v1 counts as foreground; the health checks of a load balancer and vendors' signed
// ingest do not (the projection must keep up with ingest, not yield to it).
func TestAPIRequestsAreForeground(t *testing.T) {
	hs := newHarness(t)
	fg := hs.app.Foreground
	if fg == nil || hs.app.Payouts.Foreground != fg {
		t.Fatal("the payout service paces its background work by another Foreground than the API's")
	}
	time.Sleep(300 * time.Millisecond)
	if fg.Busy() {
		t.Fatal("busy with no request under way")
	}
	if code, _ := hs.call("GET", "/healthz", nil); code != 200 {
		t.Fatalf("healthz %d", code)
	}
	if fg.Busy() {
		t.Error("a health check counted as a person using the API")
	}
	if code, _ := hs.call("GET", "/api/v1/members/root", nil); code != 200 {
		t.Fatalf("member %d", code)
	}
	if !fg.Busy() {
		t.Error("an API request did not count as foreground")
	}
	time.Sleep(300 * time.Millisecond)
	if fg.Busy() {
		t.Error("still busy after the request ended and the quiet time passed")
	}
}

func TestVendorIngestIsNotForeground(t *testing.T) {
	hs := newHarness(t)
	fg := hs.app.Foreground
	secret := hs.vendor("sun")
	time.Sleep(300 * time.Millisecond)
	if fg.Busy() {
		t.Fatal("busy with no request under way")
	}
	code, out := hs.send("sun", secret, events(signup("e1", "cust-fg", "root")), 0)
	if code != 200 {
		t.Fatalf("ingest %d %v", code, out)
	}
	if r := out["results"].([]any)[0].(map[string]any); r["status"] != "accepted" {
		t.Fatalf("the signup was not accepted: %v", r)
	}
	if fg.Busy() {
		t.Error("a vendor's signed ingest counted as a person using the API: the projection would yield to the traffic it follows")
	}
}

// Issue #19: past HALO_READS_AT_ONCE reads under way, a read waits at most HALO_READ_WAIT for
// its turn and is then refused at once, 503 in the API.md shape with Retry-After, instead of
// queueing for Neo4j's connections. Writes are never refused for load (a sale or a payout run
// is not to be lost to a busy moment), and a turn given back admits the next read.
func TestReadsPastCapacityAreRefusedAtOnce(t *testing.T) {
	hs := newHarness(t)
	hs.srv.Reads = graph.NewAdmission(2, 50*time.Millisecond)
	hs.h = hs.srv.Handler()
	var leaves []func()
	for range 2 {
		leave, err := hs.srv.Reads.Enter(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		leaves = append(leaves, leave)
	}
	get := func() *httptest.ResponseRecorder {
		req := httptest.NewRequest("GET", "/api/v1/members/root", nil)
		req.Header.Set("Authorization", "Bearer "+hs.token)
		w := httptest.NewRecorder()
		hs.h.ServeHTTP(w, req)
		return w
	}
	t0 := time.Now()
	w := get()
	var body struct {
		Error struct{ Code, Message string }
	}
	_ = json.Unmarshal(w.Body.Bytes(), &body)
	if w.Code != 503 || body.Error.Code != "unavailable" || !strings.Contains(body.Error.Message, "busy") || w.Header().Get("Retry-After") != "1" {
		t.Errorf("a read at capacity: %d %s Retry-After=%q", w.Code, w.Body, w.Header().Get("Retry-After"))
	}
	if waited := time.Since(t0); waited < 50*time.Millisecond || waited > 2*time.Second {
		t.Errorf("refused after %v, want after the 50 ms wait", waited)
	}
	if code, out := hs.call("POST", "/api/v1/payout-runs", map[string]any{"period_end": "not-a-date"}); code != 400 {
		t.Errorf("a write at capacity reached its handler? %d %v", code, out)
	}
	leaves[0]()
	if w := get(); w.Code != 200 {
		t.Errorf("a read after a turn was given back: %d %s", w.Code, w.Body)
	}
	leaves[1]()
}
