package faults

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/halo-oss/halo/cache"
	"github.com/halo-oss/halo/engine"
	"github.com/halo-oss/halo/graph"
	"github.com/halo-oss/halo/graph/payouts"
	"github.com/halo-oss/halo/internal/testenv"
)

// Issue #17: three halod processes on one test stack. Signed ingest batches go round-robin
// through all three; the holder of the counters' lease is killed with -9 in the middle and
// started again. At the end every event was accepted once, the live counters equal a rebuild
// from scratch, and the lease changed hands exactly when the holder died. Then twenty
// concurrent commits of one draft through the three: one run, every wallet credited once. And
// failed logins spread over the three are limited as one.
func TestThreeReplicas(t *testing.T) {
	needStack(t)
	st := testenv.Store(t)
	testenv.Cache(t)
	if err := cache.New(cache.Config{Addr: testenv.RedisAddr()}).FlushForTests(context.Background()); err != nil {
		t.Fatal(err)
	}
	bin := build(t)
	env := []string{"HALO_LOG_LEVEL=info", "HALO_LOGIN_FAILURES=5"}
	reps := make([]*halod, 3)
	for i := range reps {
		reps[i] = &halod{t: t, bin: bin, addr: freePort(t), env: env}
		reps[i].start()
	}
	defer func() {
		for _, r := range reps {
			r.stop()
		}
	}()
	clients := make([]*client, 3)
	for i, r := range reps {
		clients[i] = &client{t: t, base: "http://" + r.addr}
		clients[i].login()
	}
	c := clients[0]
	for _, m := range []struct{ id, leg string }{{"A", "left"}, {"B", "right"}} {
		c.must("POST", "/api/v1/members", map[string]any{"id": m.id, "name": "Member " + m.id, "email": strings.ToLower(m.id) + "@example.com",
			"password": "member-password", "plan": "consultant", "sponsor_id": "root", "placement": map[string]any{"parent_id": "root", "leg": m.leg},
			"registered_at": "2026-01-01T01:00:00Z"}, 201)
	}
	secret := c.must("POST", "/api/v1/vendors", map[string]any{"id": "sun", "name": "Sun"}, 201)["signing_secret"].(string)
	c.must("PUT", "/api/v1/vendors/sun/products/THERMO", map[string]any{"bv": "10", "cv": "30.00", "retail_commission": "15.00",
		"effective_from": "2020-01-01T00:00:00Z"}, 200)

	lease := cache.New(cache.Config{Addr: testenv.RedisAddr()})
	defer lease.Close()
	dead := map[int]bool{}
	// holding is the replica whose process holds the counters' lease (its name carries the pid).
	holding := func() int {
		for deadline := time.Now().Add(15 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
			h, err := lease.CounterLeaseHolder(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			for i, r := range reps {
				if !dead[i] && strings.Contains(h, fmt.Sprintf("-%d-", r.cmd.Process.Pid)) {
					return i
				}
			}
		}
		return -1
	}
	const batches, perBatch = 30, 20
	var killed = -1
	for b := 0; b < batches; b++ {
		var evs []map[string]any
		for i := 0; i < perBatch; i++ {
			cust := fmt.Sprintf("c%04d", b*perBatch+i)
			evs = append(evs, map[string]any{"id": "s" + cust, "type": "customer.signup", "occurred_at": "2026-01-02T00:00:00Z",
				"data": map[string]any{"customer_id": cust, "name": "Customer " + cust, "email": cust + "@example.com", "sponsor_id": []string{"A", "B"}[i%2]}},
				map[string]any{"id": "a" + cust, "type": "service.activated", "occurred_at": "2026-01-03T00:00:00Z",
					"data": map[string]any{"activation_id": "act" + cust, "member_id": cust, "sku": "THERMO"}})
		}
		if b == 12 {
			killed = holding()
			if killed < 0 {
				t.Fatalf("no replica took the counters' lease:\n%s", reps[0].log.String())
			}
			reps[killed].kill9()
			dead[killed] = true
		}
		if b == 20 {
			// Another replica has taken the lease over (within its 10 s TTL) before the killed
			// one comes back, as a standby.
			if h := holding(); h < 0 || h == killed {
				t.Fatalf("no takeover after the holder died: %d", h)
			}
			reps[killed].start()
			dead[killed] = false
		}
		for attempt := 0; ; attempt++ {
			target := clients[(b+attempt)%3]
			if code, out := target.ingest("sun", secret, evs); code == 200 {
				for _, r := range out["results"].([]any) {
					if s := r.(map[string]any)["status"]; s != "accepted" && s != "duplicate" {
						t.Fatalf("batch %d: %v", b, r)
					}
				}
				break
			}
			if attempt > 50 {
				t.Fatalf("batch %d never accepted", b)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	if n := count(t, st, "MATCH (s:Sale {kind: 'activation'}) RETURN count(s) AS n"); n != batches*perBatch {
		t.Errorf("%d activations for %d sent", n, batches*perBatch)
	}
	// The counters, read through each replica, equal a rebuild from scratch.
	fresh := cache.New(cache.Config{Addr: testenv.RedisAddr(), Prefix: "halotest-scratch:"})
	defer fresh.Close()
	_ = fresh.FlushForTests(context.Background())
	scratch := &payouts.LiveCounters{Feed: st, Cache: fresh, Log: testenv.Log()}
	if _, err := scratch.Rebuild(context.Background()); err != nil {
		t.Fatal(err)
	}
	want, _ := scratch.Read(context.Background(), []string{"root", "A", "B"})
	deadline := time.Now().Add(15 * time.Second)
	for i, cl := range clients {
		for _, id := range []string{"root", "A", "B"} {
			w := want[id]
			exp := map[string]any{"personal_volume": graph.BV(engine.Units(w.PV)), "left_volume": graph.BV(engine.Units(w.Left)), "right_volume": graph.BV(engine.Units(w.Right))}
			for {
				_, got := cl.call("GET", "/api/v1/members/"+id+"/live-volume", nil)
				if got["personal_volume"] == exp["personal_volume"] && got["left_volume"] == exp["left_volume"] && got["right_volume"] == exp["right_volume"] {
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("replica %d, %s: %v, a rebuild from scratch says %v", i, id, got, exp)
				}
				time.Sleep(200 * time.Millisecond)
			}
		}
	}
	after := holding()
	takeovers, resumed := 0, 0
	for _, r := range reps {
		takeovers += strings.Count(r.log.String(), "this replica holds the lease")
		resumed += strings.Count(r.log.String(), "going on where the last holder stopped")
	}
	t.Logf("replicas: %d batches of %d events round-robin over 3 halods; the lease holder (replica %d) killed -9 at batch 12 and restarted at 20; the lease went to replica %d; %d lease takeovers in the logs of the processes alive at the end, %d of them going on from the recorded progress; counters equal a rebuild from scratch on every replica",
		batches, 2*perBatch, killed, after, takeovers, resumed)

	// Twenty concurrent commits of one draft, through all three replicas.
	run := c.must("POST", "/api/v1/payout-runs", map[string]any{"period_end": "2026-01-05T00:00:00Z"}, 201)
	id := run["id"].(string)
	var wg sync.WaitGroup
	var mu sync.Mutex
	codes := map[int]int{}
	for i := 0; i < 20; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			code, _ := clients[i%3].call("POST", "/api/v1/payout-runs/"+id+"/commit", nil)
			mu.Lock()
			codes[code]++
			mu.Unlock()
		}(i)
	}
	wg.Wait()
	if codes[200] == 0 || codes[500] > 0 {
		t.Errorf("commit answers: %v", codes)
	}
	if n := count(t, st, "MATCH (a:AuditEntry {action: 'payout.commit', target_id: '"+id+"'}) RETURN count(a) AS n"); n != 1 {
		t.Errorf("%d commits recorded", n)
	}
	if n := creditedTwice(t, st, id); n != 0 {
		t.Errorf("%d members credited twice", n)
	}
	credited := creditedBy(t, st, id)
	if got := graph.Money(engine.Units(credited)); got != run["totals"].(map[string]any)["total"] {
		t.Errorf("credited %s, the run's total %v", got, run["totals"].(map[string]any)["total"])
	}
	t.Logf("commits: 20 concurrent through 3 replicas answered %v; one commit recorded, credits = the run's total", codes)

	// Failed logins spread over the three replicas are limited as one: five, then 429 anywhere.
	for i := 0; i < 5; i++ {
		code, _ := clients[i%3].call("POST", "/api/v1/auth/login", map[string]any{"email": "a@example.com", "password": "wrong-password"})
		if code != 401 {
			t.Fatalf("failed login %d: %d", i+1, code)
		}
	}
	for i, cl := range clients {
		if code, _ := cl.call("POST", "/api/v1/auth/login", map[string]any{"email": "a@example.com", "password": "member-password"}); code != 429 {
			t.Errorf("replica %d let a sixth try through: %d", i, code)
		}
	}
}
