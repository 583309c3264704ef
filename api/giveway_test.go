package api_test

import (
	"testing"
	"time"
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
