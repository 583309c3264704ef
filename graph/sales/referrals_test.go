package sales

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/halo-oss/halo/graph"
)

// The pipeline only moves forward, and every rule of CanMoveReferral is listed here.
func TestReferralTransitions(t *testing.T) {
	allowed := map[string][]string{
		RefSubmitted: {RefDelivered, RefAccepted, RefRejected},
		RefDelivered: {RefAccepted, RefRejected},
		RefAccepted:  {RefContacted, RefQuoted, RefWon, RefLost},
		RefContacted: {RefQuoted, RefWon, RefLost},
		RefQuoted:    {RefWon, RefLost},
	}
	for _, from := range ReferralStatuses {
		for _, to := range ReferralStatuses {
			want := false
			for _, x := range allowed[from] {
				want = want || x == to
			}
			if got := CanMoveReferral(from, to); got != want {
				t.Errorf("%s → %s: %v, want %v", from, to, got, want)
			}
		}
	}
	// Property: any sequence of accepted moves visits stages in increasing order.
	rng := rand.New(rand.NewPCG(1, 2))
	for range 2000 {
		s := RefSubmitted
		for range 10 {
			to := ReferralStatuses[rng.IntN(len(ReferralStatuses))]
			if CanMoveReferral(s, to) {
				if referralStage[to] <= referralStage[s] {
					t.Fatalf("%s → %s goes back", s, to)
				}
				s = to
			}
		}
	}
}

func TestConversionRateAndPercentile(t *testing.T) {
	for _, c := range []struct {
		won, all int64
		want     string
	}{{0, 0, "0.00"}, {1, 5, "20.00"}, {1, 3, "33.33"}, {2, 3, "66.67"}, {1, 8, "12.50"}, {3, 3, "100.00"}, {1, 200000, "0.00"}, {1, 20000, "0.01"}} {
		if got := graph.Percent(c.won, c.all); got != c.want {
			t.Errorf("%d/%d: %s, want %s", c.won, c.all, got, c.want)
		}
	}
	xs := []int64{50, 10, 40, 20, 30, 100, 90, 80, 70, 60}
	if p50, p95, p100 := graph.NearestRank(xs, 50), graph.NearestRank(xs, 95), graph.NearestRank(xs, 100); p50 != 50 || p95 != 100 || p100 != 100 {
		t.Errorf("percentiles %d %d %d", p50, p95, p100)
	}
	if graph.NearestRank([]int64(nil), 50) != 0 {
		t.Error("no deliveries, no latency")
	}
}

// Backoff doubles from Backoff up to BackoffMax, less at most a fifth of jitter.
func TestRetryDelay(t *testing.T) {
	o := &Outbox{Backoff: 10 * time.Second, BackoffMax: time.Hour}
	for n, base := range map[int]time.Duration{1: 10 * time.Second, 2: 20 * time.Second, 3: 40 * time.Second, 9: 2560 * time.Second, 10: time.Hour, 30: time.Hour} {
		for range 200 {
			d := o.RetryDelay(n)
			if d > base || d < base-base/5 {
				t.Fatalf("attempt %d: %s outside [%s, %s]", n, d, base-base/5, base)
			}
		}
	}
}

func refState() *IngestState {
	exp := t0.AddDate(0, 0, 90)
	return &IngestState{Events: map[string]bool{}, EmailOwner: map[string]string{}, Activations: map[string]ActivationInfo{}, Products: map[string][]ProductValues{},
		VendorCustomers: map[string]bool{},
		Members: map[string]MemberInfo{
			"root": {ID: "root", Plan: "consultant_plus", RegisteredAt: t0.AddDate(-1, 0, 0)},
			"ann":  {ID: "ann", Plan: "consultant", SponsorID: "root", RegisteredAt: t0.AddDate(0, -1, 0), SDepth: 1},
			"bob":  {ID: "bob", Plan: "consultant", SponsorID: "root", RegisteredAt: t0.AddDate(0, -1, 0), SDepth: 1},
		},
		Referrals: map[string]ReferralInfo{
			"r-live":   {ID: "r-live", VendorID: "sun", OwnerID: "ann", Status: RefAccepted, Email: "live@example.com", ExpiresAt: exp},
			"r-old":    {ID: "r-old", VendorID: "sun", OwnerID: "ann", Status: RefDelivered, Email: "old@example.com", ExpiresAt: t0.Add(-time.Hour)},
			"r-lost":   {ID: "r-lost", VendorID: "sun", OwnerID: "ann", Status: RefLost, Email: "lost@example.com", ExpiresAt: exp},
			"r-bat":    {ID: "r-bat", VendorID: "bat", OwnerID: "ann", Status: RefSubmitted, Email: "bat@example.com", ExpiresAt: exp},
			"r-linked": {ID: "r-linked", VendorID: "sun", OwnerID: "ann", Status: RefAccepted, CustomerID: "c-first", Email: "linked@example.com", ExpiresAt: exp},
		},
		LiveReferrals: map[string][]ReferralInfo{
			"bat@example.com": {{ID: "r-bat", VendorID: "bat", OwnerID: "ann", Status: RefSubmitted, Email: "bat@example.com", ExpiresAt: exp}},
		},
	}
}

// The sign-up rules of a referral (the proof of attribution), one row each.
func TestSignupAttribution(t *testing.T) {
	for _, c := range []struct {
		name, customer, email, sponsor, ref string
		want, sponsorAfter                  string // status (code), the customer's sponsor when accepted
	}{
		{"live referral, no sponsor", "c1", "live@example.com", "", "r-live", "accepted", "ann"},
		{"live referral, same sponsor", "c1", "live@example.com", "ann", "r-live", "accepted", "ann"},
		{"live referral, other sponsor", "c1", "live@example.com", "bob", "r-live", "rejected(conflict)", ""},
		{"expired referral, no sponsor", "c1", "old@example.com", "", "r-old", "rejected(invalid)", ""},
		{"expired referral, a sponsor", "c1", "old@example.com", "bob", "r-old", "accepted", "bob"},
		{"lost referral, a sponsor", "c1", "lost@example.com", "bob", "r-lost", "accepted", "bob"},
		{"another vendor's referral", "c1", "bat@example.com", "ann", "r-bat", "rejected(invalid)", ""},
		{"no referral, another vendor's live one by e-mail", "c1", "bat@example.com", "bob", "", "rejected(conflict)", ""},
		{"no referral, the live one's consultant", "c1", "bat@example.com", "ann", "", "accepted", "ann"},
		{"referral already another customer", "c2", "linked@example.com", "", "r-linked", "rejected(conflict)", ""},
		{"unknown referral", "c1", "x@example.com", "ann", "r-none", "rejected(invalid)", ""},
	} {
		data := map[string]any{"customer_id": c.customer, "name": "Pat", "email": c.email}
		if c.sponsor != "" {
			data["sponsor_id"] = c.sponsor
		}
		if c.ref != "" {
			data["referral_id"] = c.ref
		}
		raw, _ := json.Marshal(map[string]any{"id": "e1", "type": EventCustomerSignup, "occurred_at": t0.Format(time.RFC3339), "data": data})
		ev := parseEvent(raw, t0)
		results := make([]EventResult, 1)
		w := decide("sun", t0, []*parsedEvent{ev}, refState(), results)
		got := results[0].Status
		if results[0].Error != nil {
			got += "(" + results[0].Error.Code + ")"
		}
		if got != c.want {
			t.Errorf("%s: %s, want %s (%v)", c.name, got, c.want, results[0].Error)
			continue
		}
		if c.sponsorAfter != "" && (len(w.Customers) != 1 || w.Customers[0].SponsorID != c.sponsorAfter) {
			t.Errorf("%s: customers %v, want sponsor %s", c.name, w.Customers, c.sponsorAfter)
		}
		if c.want == "accepted" && c.ref != "" && (len(w.ReferralLinks) != 1 || w.ReferralLinks[0].ReferralID != c.ref) {
			t.Errorf("%s: the referral is not linked: %v", c.name, w.ReferralLinks)
		}
	}
}

// memOutbox is the outbox store in memory, with the claim rule: a claimed row is hidden until
// its lease ends.
type memOutbox struct {
	mu  sync.Mutex
	ds  map[string]*Delivery
	log map[string][]Attempt
	url string
	box *SecretBox
	sec string
}

func (m *memOutbox) ClaimDeliveries(_ context.Context, now, lease time.Time, claim string, n int) ([]Delivery, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []Delivery
	for _, d := range m.ds {
		if d.State == DeliveryPending && !d.NextAt.After(now) && len(out) < n {
			l := lease
			d.NextAt, d.Claim, d.WebhookURL = &l, claim, m.url
			out = append(out, *d)
		}
	}
	return out, nil
}

func (m *memOutbox) FinishDelivery(_ context.Context, o DeliveryOutcome) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	d := m.ds[o.ID]
	m.log[o.ID] = append(m.log[o.ID], o.Attempt)
	if o.State == DeliveryDelivered || (d.Claim == o.Claim && d.State == DeliveryPending) {
		d.State, d.Attempts, d.Claim = o.State, o.Attempt.N, ""
		if !o.NextAt.IsZero() {
			n := o.NextAt
			d.NextAt = &n
		}
	}
	return nil
}

func (m *memOutbox) Redeliver(context.Context, string, time.Time) (*Delivery, error) {
	return nil, errors.New("unused")
}
func (m *memOutbox) Delivery(context.Context, string) (*DeliveryDetail, error) {
	return nil, errors.New("unused")
}
func (m *memOutbox) Deliveries(context.Context, DeliveryFilter, int, int) ([]Delivery, bool, error) {
	return nil, false, nil
}
func (m *memOutbox) DeliveryHealth(context.Context, time.Time) ([]VendorHealth, error) {
	return nil, nil
}
func (m *memOutbox) WebhookURL(context.Context, string) (string, error) { return m.url, nil }
func (m *memOutbox) VendorSecrets(_ context.Context, id string) (*VendorSecrets, error) {
	s, _ := m.box.Seal(m.sec)
	return &VendorSecrets{VendorID: id, Active: true, Sealed: s}, nil
}

type flakySender struct {
	mu    sync.Mutex
	fails int // answer 503 this many times per delivery, then 200
	seen  map[string]int
	sigs  []bool
	sec   string
}

func (f *flakySender) Send(_ context.Context, _ string, h map[string]string, body []byte) (int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.sigs = append(f.sigs, h["X-Signature"] == Sign(f.sec, h["X-Timestamp"], body))
	f.seen[h["Idempotency-Key"]]++
	if f.seen[h["Idempotency-Key"]] <= f.fails {
		return 503, nil
	}
	return 200, nil
}

// With a clock that runs only when told, the outbox retries on schedule and dead-letters after
// MaxAttempts; a vendor that recovers in time gets everything once it answers.
func TestOutboxRetriesThenDeadLetters(t *testing.T) {
	now := t0
	box := NewSecretBox([]byte("test"))
	for _, c := range []struct {
		fails     int
		wantState string
		wantTries int
	}{{0, DeliveryDelivered, 1}, {2, DeliveryDelivered, 3}, {5, DeliveryDead, 4}} {
		st := &memOutbox{ds: map[string]*Delivery{}, log: map[string][]Attempt{}, url: "https://vendor.example/hook", box: box, sec: "whsec_x"}
		for _, id := range []string{"d1", "d2", "d3"} {
			n := now
			st.ds[id] = &Delivery{ID: id, VendorID: "sun", State: DeliveryPending, NextAt: &n, Body: `{"id":"` + id + `"}`}
		}
		snd := &flakySender{fails: c.fails, seen: map[string]int{}, sec: "whsec_x"}
		o := &Outbox{Store: st, Sender: snd, Box: box, Now: func() time.Time { return now }, Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
			MaxAttempts: 4, Backoff: time.Minute, BackoffMax: 10 * time.Minute}
		for range 10 {
			if _, err := o.Once(context.Background()); err != nil {
				t.Fatal(err)
			}
			now = now.Add(15 * time.Minute) // past any retry delay
		}
		for id, d := range st.ds {
			if d.State != c.wantState || snd.seen[id] != c.wantTries || len(st.log[id]) != c.wantTries {
				t.Errorf("fails %d: %s is %s after %d tries (log %d), want %s after %d", c.fails, id, d.State, snd.seen[id], len(st.log[id]), c.wantState, c.wantTries)
			}
		}
		for _, ok := range snd.sigs {
			if !ok {
				t.Fatal("a delivery's signature does not verify with the vendor's secret")
			}
		}
	}
}
