package sales

import (
	"encoding/json"
	"testing"
	"time"
)

// The ingest event parser takes whatever a vendor sends: it never panics, and an event it
// refuses carries a code and a message.
func FuzzParseEvent(f *testing.F) {
	for _, seed := range []string{
		`{"id":"e1","type":"customer.signup","occurred_at":"2026-02-01T10:00:00Z","data":{"customer_id":"c1","name":"Mia","email":"mia@example.com","sponsor_id":"A"}}`,
		`{"id":"e2","type":"service.activated","occurred_at":"2026-02-01T10:00:00Z","data":{"activation_id":"a1","member_id":"c1","sku":"SOLAR-6KW"}}`,
		`{"id":"e3","type":"service.cancelled","occurred_at":"2026-02-01T10:00:00Z","data":{"activation_id":"a1"}}`,
		`{"id":null,"type":7}`, `[]`, `"x"`, `{"id":"e4","type":"customer.signup","occurred_at":"tomorrow","data":{}}`,
	} {
		f.Add(seed)
	}
	now := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, raw string) {
		if !json.Valid([]byte(raw)) {
			return // the batch decoder refuses it whole before any event is parsed
		}
		e := parseEvent(json.RawMessage(raw), now)
		if e.err != nil && (e.err.Code == "" || e.err.Message == "") {
			t.Fatalf("a refusal without a reason: %+v", e.err)
		}
		if e.err == nil && (e.id == "" || e.at.IsZero()) {
			t.Fatalf("accepted without an id or a time: %+v", e)
		}
	})
}
