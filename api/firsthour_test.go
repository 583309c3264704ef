package api_test

import (
	"fmt"
	"strings"
	"testing"
)

// Issue #20: what a newcomer meets first says what it means.
func TestFirstHourConsistency(t *testing.T) {
	hs := newHarness(t)
	// A bare token (pasted into Swagger's Authorize dialog without "Bearer ") says how to fix it.
	bare := hs.as("")
	code, b, _ := bare.callFrom("192.0.2.1:1", map[string]string{"Authorization": hs.token}, "GET", "/api/v1/auth/me", nil)
	if _, msg, _ := errOf(b); code != 401 || !strings.Contains(msg, `prefix the token with "Bearer "`) {
		t.Errorf("a bare token: %d %q", code, msg)
	}
	// A missing id is "required", not a pattern.
	_, b = hs.call("POST", "/api/v1/members", map[string]any{"name": "N", "email": "n@example.com", "plan": "consultant", "sponsor_id": "root"})
	if _, msg, _ := errOf(b); !strings.Contains(msg, "id: is required") {
		t.Errorf("a missing id: %q", msg)
	}
	// Money and BV are written one way: two places.
	hs.vendor("sun")
	_, p := hs.call("GET", "/api/v1/vendors/sun/products", nil)
	if s := strings.Join(strings.Fields(strings.ReplaceAll(strings.ReplaceAll(fmtAny(p), "[", " "), "]", " ")), " "); !strings.Contains(s, "bv:400.00") || !strings.Contains(s, "cv:1200.00") {
		t.Errorf("products: %s", s)
	}
	// The swagger document's security description survives HTML rendering.
	code, doc := hs.call("GET", "/swagger/doc.json", nil)
	sec := fmtAny(doc["securityDefinitions"])
	if code != 200 || strings.Contains(sec, "<token>") || !strings.Contains(sec, "Bearer") {
		t.Errorf("security definitions: %s", sec)
	}
}

func fmtAny(v any) string { return strings.TrimSpace(strings.ReplaceAll(fmt.Sprint(v), "map", "")) }
