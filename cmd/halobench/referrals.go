package main

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"sync"
	"time"
)

// refReceiver is the vendor's end: it verifies each delivery's signature and notes when each
// referral first arrived.
type refReceiver struct {
	secret  string
	mu      sync.Mutex
	first   map[string]time.Time
	created map[string]time.Time
	dups    int
	bad     int
	done    chan struct{}
	want    int
}

func (r *refReceiver) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	now := time.Now()
	body, _ := io.ReadAll(req.Body)
	m := hmac.New(sha256.New, []byte(r.secret))
	m.Write([]byte(req.Header.Get("X-Timestamp") + "." + string(body)))
	if !hmac.Equal([]byte("sha256="+hex.EncodeToString(m.Sum(nil))), []byte(req.Header.Get("X-Signature"))) {
		r.mu.Lock()
		r.bad++
		r.mu.Unlock()
		http.Error(w, "bad signature", 401)
		return
	}
	var wb struct {
		Referral struct {
			ID        string    `json:"id"`
			CreatedAt time.Time `json:"created_at"`
		} `json:"referral"`
	}
	if json.Unmarshal(body, &wb) != nil {
		http.Error(w, "bad body", 400)
		return
	}
	r.mu.Lock()
	if _, seen := r.first[wb.Referral.ID]; seen {
		r.dups++
	} else {
		r.first[wb.Referral.ID], r.created[wb.Referral.ID] = now, wb.Referral.CreatedAt
		if len(r.first) == r.want {
			close(r.done)
		}
	}
	r.mu.Unlock()
	w.WriteHeader(http.StatusNoContent)
}

// referrals measures the referral outbox end to end: n referrals submitted through the API by
// conc clients, delivered as signed webhooks to a receiver on loopback (halod must run with
// HALO_WEBHOOK_ALLOW=127.0.0.1). It reports submission latency, delivery throughput and the
// delivery latency from a referral's creation to its arrival, p50 and p99.
//
// With backlog, deliveries are paused while the referrals are submitted and resumed after: the
// figures are then the outbox draining a backlog of n, without the submissions' pace.
func referrals(c *client, n, conc int, member string, backlog bool) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fatal(err)
	}
	vendor := fmt.Sprintf("refbench-%d", time.Now().UnixNano()%1_000_000_000)
	var created struct {
		SigningSecret string `json:"signing_secret"`
	}
	if _, err := c.json("POST", "/api/v1/vendors", map[string]any{"id": vendor, "name": "Referral bench " + vendor}, &created); err != nil {
		fatal(err)
	}
	rcv := &refReceiver{secret: created.SigningSecret, first: map[string]time.Time{}, created: map[string]time.Time{}, done: make(chan struct{}), want: n}
	srv := &http.Server{Handler: rcv, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	defer srv.Close()
	settings := map[string]any{"webhook_url": "http://" + ln.Addr().String() + "/leads", "paused": backlog}
	if _, err := c.json("PUT", "/api/v1/vendors/"+vendor+"/referral-settings", settings, nil); err != nil {
		fatal(fmt.Errorf("%w (start halod with HALO_WEBHOOK_ALLOW=127.0.0.1)", err))
	}
	var lat latencies
	start := time.Now()
	wall := parallel(n, conc, func(i int) error {
		t := time.Now()
		_, err := c.json("POST", "/api/v1/members/"+member+"/referrals", map[string]any{"vendor_id": vendor,
			"prospect": map[string]any{"name": fmt.Sprint("Bench prospect ", i), "email": fmt.Sprintf("bench%d@%s.example", i, vendor),
				"address": map[string]any{"line1": "1 Bench St", "city": "Austin", "state": "TX", "postal_code": "78701"}},
			"consent": map[string]any{"given": true, "text": "You may contact me about this product.", "channel": "web"}}, nil)
		lat.add(time.Since(t))
		return err
	})
	lat.report("submit referral", wall)
	if backlog {
		start = time.Now()
		settings["paused"] = false
		if _, err := c.json("PUT", "/api/v1/vendors/"+vendor+"/referral-settings", settings, nil); err != nil {
			fatal(err)
		}
	}
	select {
	case <-rcv.done:
	case <-time.After(10 * time.Minute):
		fatal(fmt.Errorf("only %d of %d referrals arrived in 10 minutes", len(rcv.first), n))
	}
	total := time.Since(start)
	rcv.mu.Lock()
	var dl latencies
	var last time.Time
	for id, at := range rcv.first {
		dl.add(at.Sub(rcv.created[id]))
		if at.After(last) {
			last = at
		}
	}
	dups, bad := rcv.dups, rcv.bad
	if backlog {
		var drain latencies // from the resumption to each arrival
		for _, at := range rcv.first {
			drain.add(at.Sub(start))
		}
		rcv.mu.Unlock()
		drain.report("backlog (resumed→arrived)", total)
		fmt.Printf("a backlog of %d referrals drained in %s after delivery resumed (%.0f deliveries/s); %d repeats, %d bad signatures\n",
			n, total.Round(time.Millisecond), float64(n)/total.Seconds(), dups, bad)
		return
	}
	rcv.mu.Unlock()
	dl.report("delivery (created→arrived)", last.Sub(start))
	fmt.Printf("%d referrals submitted in %s and all delivered %s after the first submission (%.0f deliveries/s end to end); %d repeats, %d bad signatures\n",
		n, wall.Round(time.Millisecond), total.Round(time.Millisecond), float64(n)/total.Seconds(), dups, bad)
}
