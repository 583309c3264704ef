package api_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"testing"
	"time"

	"github.com/halo-oss/halo/cache"
	"github.com/halo-oss/halo/engine"
	"github.com/halo-oss/halo/graph/payouts"
	"github.com/halo-oss/halo/internal/testenv"
)

// network registers a random legal network and returns each consultant's placement parent and leg.
func (hs *harness) network(n int, rng *rand.Rand) (ids []string, parent map[string]string, left map[string]bool) {
	parent, left = map[string]string{}, map[string]bool{}
	ids = []string{"root"}
	for i := 0; i < n; i++ {
		id := fmt.Sprintf("k%02d", i)
		sp := ids[rng.IntN(len(ids))]
		strat := []string{"extreme_left", "extreme_right", "balanced", "weaker_leg"}[rng.IntN(4)]
		m := hs.register(id, "consultant", sp, strategy(strat))
		parent[id], left[id] = m["parent_id"].(string), m["leg"] == "left"
		ids = append(ids, id)
	}
	return
}

// expected recomputes the open-period counters naively from what was sent.
func expected(vol map[string]int64, parent map[string]string, left map[string]bool) (map[string]int64, map[string][2]int64) {
	legs := map[string][2]int64{}
	for s, v := range vol {
		for x := s; parent[x] != ""; x = parent[x] {
			lr := legs[parent[x]]
			if left[x] {
				lr[0] += v
			} else {
				lr[1] += v
			}
			legs[parent[x]] = lr
		}
	}
	return vol, legs
}

func (hs *harness) checkCounters(t *testing.T, c *payouts.LiveCounters, ids []string, pv map[string]int64, legs map[string][2]int64, what string) {
	t.Helper()
	got, err := c.Read(context.Background(), ids)
	if err != nil {
		t.Fatalf("%s: read: %v", what, err)
	}
	for _, id := range ids {
		g := got[id]
		if g.PV != pv[id] || g.Left != legs[id][0] || g.Right != legs[id][1] {
			t.Errorf("%s: %s = pv %d l %d r %d, want pv %d l %d r %d", what, id, g.PV, g.Left, g.Right, pv[id], legs[id][0], legs[id][1])
		}
	}
}

// After a random stream of registrations, activations and cancellations, the incremental
// counters equal a naive recomputation and a rebuild from Neo4j.
func TestLiveCountersEqualRecomputation(t *testing.T) {
	hs := newHarness(t)
	rng := rand.New(rand.NewPCG(11, 12))
	ctx := context.Background()
	if err := hs.counters.Tick(ctx); err != nil { // the first tick rebuilds
		t.Fatal(err)
	}
	ids, parent, left := hs.network(25, rng)
	secret := hs.vendor("sun")
	vol := map[string]int64{"root": 15000} // every consultant pack counts: root 150 BV
	for _, id := range ids[1:] {
		vol[id] += 5000
	}
	var acts []string
	for b := 0; b < 6; b++ {
		var evs []map[string]any
		for i := 0; i < 20; i++ {
			if len(acts) > 3 && rng.IntN(5) == 0 {
				k := rng.IntN(len(acts))
				a := acts[k]
				acts = append(acts[:k], acts[k+1:]...)
				evs = append(evs, cancelled(fmt.Sprintf("c-%d-%d", b, i), a, "2026-02-05T00:00:00Z"))
				continue
			}
			who := ids[rng.IntN(len(ids))]
			act := fmt.Sprintf("a-%d-%d", b, i)
			acts = append(acts, act)
			evs = append(evs, activated("e-"+act, act, who, "SOLAR-6KW", "2026-02-02T00:00:00Z"))
		}
		code, body := hs.send("sun", secret, events(evs...), 0)
		if code != 200 {
			t.Fatalf("batch %d: %d %v", b, code, body)
		}
		if err := hs.counters.Tick(ctx); err != nil {
			t.Fatal(err)
		}
	}
	// What remains active adds 400 BV at its member (all consultants here, S = the member).
	n, _ := hs.st.CountForTests(ctx, "MATCH (s:Sale {kind: 'activation', cancelled: false}) RETURN count(s) AS n")
	if int(n) != len(acts) {
		t.Fatalf("activations left %d, want %d", n, len(acts))
	}
	res, _ := hs.st.CountForTests(ctx, "MATCH (s:Sale {kind: 'activation', cancelled: false}) RETURN sum(s.bv_cents) AS n")
	var total int64
	for _, a := range acts {
		_ = a
		total += 40000
	}
	if res != total {
		t.Fatalf("active BV %d, want %d", res, total)
	}
	// Which member each remaining activation belongs to: ask Neo4j (the test sent random ones).
	for _, id := range ids {
		k, _ := hs.st.CountForTests(ctx, "MATCH (s:Sale {kind: 'activation', cancelled: false, member_id: '"+id+"'}) RETURN count(s) AS n")
		vol[id] += 40000 * k
	}
	pv, legs := expected(vol, parent, left)
	hs.checkCounters(t, hs.counters, ids, pv, legs, "incremental")

	// A rebuild into a second, empty cache gives the same numbers.
	other := cache.New(cache.Config{Addr: testenv.RedisAddr(), Prefix: "halotest2:"})
	defer other.Close()
	_ = other.FlushForTests(ctx)
	fresh := &payouts.LiveCounters{Feed: hs.st, Cache: other, Log: testenv.Log()}
	if _, err := fresh.Rebuild(ctx); err != nil {
		t.Fatal(err)
	}
	hs.checkCounters(t, fresh, ids, pv, legs, "rebuilt")
	_ = other.FlushForTests(ctx)

	// An operator's rebuild beside the running loop: the loop notices and stays exact.
	op := &payouts.LiveCounters{Feed: hs.st, Cache: testenv.Cache(t), Log: testenv.Log()}
	if _, err := op.Rebuild(ctx); err != nil {
		t.Fatal(err)
	}
	if err := hs.counters.Tick(ctx); err != nil {
		t.Fatal(err)
	}
	hs.checkCounters(t, hs.counters, ids, pv, legs, "after an outside rebuild")

	// The API shows them as decimal strings.
	_, body := hs.call("GET", "/api/v1/members/root/live-volume", nil)
	if want := fmt.Sprintf("%d.%02d", legs["root"][0]/100, legs["root"][0]%100); body["left_volume"] != want {
		t.Errorf("live volume %v, want left %d", body, legs["root"][0])
	}
}

// Redis stopped mid-stream: ingest keeps accepting (Neo4j is the truth), readiness says
// degraded, and when Redis returns the counters are rebuilt equal to the recomputation.
func TestRedisOutageLosesNothing(t *testing.T) {
	if os.Getenv("HALO_STACK_DIR") == "" {
		if testenv.CI() {
			t.Fatal("HALO_STACK_DIR must be set by scripts/test.sh")
		}
		t.Skip("needs the test stack's scripts (run scripts/test.sh)")
	}
	hs := newHarness(t)
	ctx := context.Background()
	if err := hs.counters.Tick(ctx); err != nil {
		t.Fatal(err)
	}
	hs.register("A", "consultant", "root", at("root", "left"))
	secret := hs.vendor("sun")
	stack := func(cmd string) {
		out, err := exec.Command("../scripts/stack.sh", cmd).CombinedOutput()
		if err != nil {
			t.Fatalf("stack.sh %s: %v\n%s", cmd, err, out)
		}
	}
	hs.send("sun", secret, events(activated("e1", "a1", "A", "SOLAR-6KW", "2026-02-02T00:00:00Z")), 0)
	if err := hs.counters.Tick(ctx); err != nil {
		t.Fatal(err)
	}
	stack("redis-stop")
	defer stack("redis-start")
	code, body := hs.send("sun", secret, events(activated("e2", "a2", "A", "SOLAR-6KW", "2026-02-02T00:00:00Z"),
		activated("e3", "a3", "A", "THERMOSTAT", "2026-02-02T00:00:00Z"), cancelled("e4", "a1", "2026-02-03T00:00:00Z")), 0)
	if code != 200 || statuses(body) != "accepted accepted accepted" {
		t.Fatalf("ingest with Redis down: %d %v", code, body)
	}
	if code, body := hs.call("GET", "/readyz", nil); code != 200 || body["status"] != "degraded" {
		t.Errorf("readyz with Redis down: %d %v", code, body)
	}
	if err := hs.counters.Tick(ctx); err == nil {
		t.Error("a tick with Redis down must fail (and mark the counters for a rebuild)")
	}
	if code, _ := hs.call("GET", "/api/v1/members/A/live-volume", nil); code != 503 {
		t.Errorf("live volume with Redis down: %d", code)
	}
	stack("redis-start")
	if err := hs.counters.Tick(ctx); err != nil {
		t.Fatalf("tick after Redis returned: %v", err)
	}
	// A: pack 50 + a2 400 + a3 10 (a1 cancelled); root's left leg holds all of it.
	pv, legs := expected(map[string]int64{"root": 15000, "A": 5000 + 40000 + 1000}, map[string]string{"A": "root"}, map[string]bool{"A": true})
	hs.checkCounters(t, hs.counters, []string{"root", "A"}, pv, legs, "after the outage")
}

// Issue #17: three replicas over one Redis and one Neo4j, each ticking its own LiveCounters as
// halod does: one holds the lease and rolls up, the others read; every change counts once; the
// generation moves only when a rebuild is asked for (a commit on any replica), never back and
// forth between replicas; when the holder dies another takes over and the counters stay exact.
func TestReplicasCountEachChangeOnce(t *testing.T) {
	hs := newHarness(t)
	rng := rand.New(rand.NewPCG(17, 3))
	ctx := context.Background()
	replicas := []*payouts.LiveCounters{hs.counters}
	for _, name := range []string{"replica-b", "replica-c"} {
		replicas = append(replicas, &payouts.LiveCounters{Feed: hs.st, Cache: testenv.Cache(t), Log: testenv.Log(), Holder: name, LeaseTTL: 2 * time.Second})
	}
	// Ticks here are manual (halod also renews the lease beside them): the TTL outlasts a batch.
	hs.counters.Holder, hs.counters.LeaseTTL = "replica-a", 2*time.Second
	tickAll := func(live []*payouts.LiveCounters) {
		for _, r := range live {
			if err := r.Tick(ctx); err != nil {
				t.Fatal(err)
			}
		}
	}
	tickAll(replicas)
	gen := func() int64 {
		g, _, err := testenv.Cache(t).Generation(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return g
	}
	g0 := gen()
	ids, parent, left := hs.network(12, rng)
	secret := hs.vendor("sun")
	vol := map[string]int64{"root": 15000}
	for _, id := range ids[1:] {
		vol[id] += 5000
	}
	send := func(b int, live []*payouts.LiveCounters) {
		var evs []map[string]any
		for i := 0; i < 10; i++ {
			who := ids[rng.IntN(len(ids))]
			act := fmt.Sprintf("r-%d-%d", b, i)
			evs = append(evs, activated("e-"+act, act, who, "SOLAR-6KW", "2026-02-02T00:00:00Z"))
			vol[who] += 40000
		}
		if code, body := hs.send("sun", secret, events(evs...), 0); code != 200 {
			t.Fatalf("batch %d: %d %v", b, code, body)
		}
		for k := 0; k < 3; k++ {
			tickAll(live)
		}
	}
	// Registrations asked for rebuilds (volume moved): served once, by the holder.
	tickAll(replicas)
	g1 := gen()
	for b := 0; b < 4; b++ {
		send(b, replicas)
	}
	if g := gen(); g != g1 {
		t.Errorf("the generation moved from %d to %d without a rebuild being asked for (ping-pong)", g1, g)
	}
	if g1 < g0 {
		t.Errorf("generations went back: %d → %d", g0, g1)
	}
	pv, legs := expected(vol, parent, left)
	for _, r := range replicas {
		hs.checkCounters(t, r, ids, pv, legs, "replica "+r.Holder)
	}
	// The holder dies: it stops ticking and its lease runs out; another takes over where it
	// stopped (issue #19: no rebuild, the generation stays) and goes on counting each change once.
	time.Sleep(2100 * time.Millisecond)
	for b := 4; b < 7; b++ {
		send(b, replicas[1:])
	}
	pv, legs = expected(vol, parent, left)
	hs.checkCounters(t, replicas[1], ids, pv, legs, "after the takeover")
	if g := gen(); g != g1 {
		t.Errorf("the takeover rebuilt (generation %d → %d) instead of going on from the recorded progress", g1, g)
	}
	// The old holder comes back: it reads, and writes nothing.
	send(7, replicas)
	pv, legs = expected(vol, parent, left)
	hs.checkCounters(t, replicas[0], ids, pv, legs, "after the old holder returned")
}

// Issue #17: one projection for the deployment. The replica holding the projection's lease
// computes and publishes it; every replica answers with the same figures and the same as_of; a
// replica that is not the holder computes nothing; a recomputation asked for anywhere happens at
// the holder; when the holder goes away another takes over.
func TestReplicasShareOneProjection(t *testing.T) {
	hs := newHarness(t)
	ctx := context.Background()
	a := hs.projector
	// The lease outlasts a cold first projection (no KeepLease renews it in this test).
	a.Holder, a.LeaseTTL, a.Interval = "replica-a", 2*time.Second, time.Millisecond
	b := &payouts.Projector{Payouts: hs.app.Payouts, Log: testenv.Log(), Shared: testenv.Cache(t), Holder: "replica-b", LeaseTTL: 2 * time.Second, Interval: time.Millisecond}
	hs.register("A", "consultant", "root", at("root", "left"))
	if err := a.Refresh(ctx, false); err != nil {
		t.Fatal(err)
	}
	if err := b.Refresh(ctx, false); err != nil {
		t.Fatal(err)
	}
	if b.Current() != nil {
		t.Fatal("the standby computed a projection of its own")
	}
	pa, _ := a.Lookup(ctx, []string{"root", "A"})
	pb, _ := b.Lookup(ctx, []string{"root", "A"})
	if pa == nil || pb == nil || !pa.AsOf.Equal(pb.AsOf) || pa.Members["root"].ByType != pb.Members["root"].ByType {
		t.Fatalf("replicas disagree: %+v %+v", pa, pb)
	}
	if pa.Members["root"].ByType[engine.LineDirect] == 0 {
		t.Errorf("root's direct bonus for A's pack is projected: %+v", pa.Members["root"])
	}
	// b asks (a refund or a status change went through it): a recomputes.
	time.Sleep(5 * time.Millisecond)
	b.Stale()
	_ = b.Refresh(ctx, false)
	if err := a.Refresh(ctx, false); err != nil {
		t.Fatal(err)
	}
	pa2, _ := b.Lookup(ctx, []string{"root"})
	if !pa2.AsOf.After(pa.AsOf) {
		t.Errorf("a request from the standby was not served: as_of %v then %v", pa.AsOf, pa2.AsOf)
	}
	// a stops renewing; b takes over and publishes its own.
	time.Sleep(2100 * time.Millisecond)
	if err := b.Refresh(ctx, false); err != nil {
		t.Fatal(err)
	}
	pb2, _ := a.Lookup(ctx, []string{"root"})
	if !pb2.AsOf.After(pa2.AsOf) || b.Current() == nil {
		t.Errorf("no takeover: as_of %v then %v", pa2.AsOf, pb2.AsOf)
	}
}

// Issue #19: the projection brings its kept snapshot up to date with what was accepted since its
// last look (new members, sales and cancellations, read from Neo4j by acceptance time) instead
// of reloading it, and projects exactly what a whole reload projects.
func TestProjectionKeptUpToDateEqualsAWholeReload(t *testing.T) {
	hs := newHarness(t)
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(19, 1))
	p := hs.projector
	p.Interval = time.Millisecond
	ids, _, _ := hs.network(6, rng)
	secret := hs.vendor("sun")
	if err := p.Refresh(ctx, true); err != nil {
		t.Fatal(err)
	}
	first, _ := p.Lookup(ctx, []string{"root"})
	reloads, updates := p.Counts()
	// More arrives: consultants, customers, activations and a cancellation.
	for i := 0; i < 4; i++ {
		id := fmt.Sprintf("late%d", i)
		hs.register(id, "consultant", ids[rng.IntN(len(ids))], strategy("balanced"))
		ids = append(ids, id)
	}
	var evs []map[string]any
	for i := 0; i < 6; i++ {
		cust, act := fmt.Sprintf("lc%d", i), fmt.Sprintf("la%d", i)
		evs = append(evs, signup("s-"+cust, cust, ids[rng.IntN(len(ids))]), activated("e-"+act, act, cust, "SOLAR-6KW", "2026-02-02T00:00:00Z"))
	}
	evs = append(evs, cancelled("c-la0", "la0", "2026-02-03T00:00:00Z"))
	if code, body := hs.send("sun", secret, events(evs...), 0); code != 200 {
		t.Fatalf("events: %d %v", code, body)
	}
	if err := p.Refresh(ctx, false); err != nil {
		t.Fatal(err)
	}
	if r, u := p.Counts(); r != reloads || u != updates+1 {
		t.Fatalf("reloads %d → %d, updates %d → %d: the change was not applied as an update", reloads, r, updates, u)
	}
	got, _ := p.Lookup(ctx, ids)
	if !got.AsOf.After(first.AsOf) {
		t.Fatalf("as_of did not move: %v then %v", first.AsOf, got.AsOf)
	}
	whole := &payouts.Projector{Payouts: hs.app.Payouts, Log: testenv.Log()}
	if err := whole.Refresh(ctx, true); err != nil {
		t.Fatal(err)
	}
	want := whole.Current()
	for _, id := range ids {
		g, w := got.Members[id], want.Member(id)
		if g == nil || w == nil || g.ByType != w.ByType || g.Generations != w.Generations || g.State.Active != w.State.Active ||
			g.State.LeftMembers != w.State.LeftMembers || g.State.RightMembers != w.State.RightMembers {
			t.Errorf("%s: updated %+v, whole reload %+v", id, g, w)
		}
	}
	if got.Members["root"].ByType == first.Members["root"].ByType {
		t.Errorf("the new sales moved nothing at the root: %+v", got.Members["root"])
	}
}

// Issue #19: a payout run on one replica makes the projection's holder on another step aside
// until it ends; a marker left by a replica that died mid-run lapses by itself.
func TestProjectionYieldsToARunOnAnotherReplica(t *testing.T) {
	hs := newHarness(t)
	ctx := context.Background()
	rc := testenv.Cache(t)
	hs.register("A", "consultant", "root", at("root", "left"))
	// Replica b holds the projection's lease; its payout service is its own.
	svc := &payouts.PayoutService{Store: hs.st, Plan: engine.DefaultConfig(), Now: time.Now, Log: testenv.Log(), Signal: rc}
	b := &payouts.Projector{Payouts: svc, Log: testenv.Log(), Shared: rc, Holder: "replica-b", LeaseTTL: 5 * time.Second, Interval: time.Millisecond}
	if err := rc.AnnounceRun(ctx, "replica-a:draft:1", 30*time.Second); err != nil {
		t.Fatal(err)
	}
	if err := b.Refresh(ctx, true); err != nil {
		t.Fatal(err)
	}
	if r, u := b.Counts(); r+u != 0 {
		t.Fatalf("projected during another replica's run: %d reloads, %d updates", r, u)
	}
	if err := rc.EndRun(ctx, "replica-a:draft:1"); err != nil {
		t.Fatal(err)
	}
	if err := b.Refresh(ctx, true); err != nil {
		t.Fatal(err)
	}
	if r, _ := b.Counts(); r != 1 {
		t.Fatalf("no projection after the run ended: %d reloads", r)
	}
	// A replica that died mid-run: its marker lapses.
	if err := rc.AnnounceRun(ctx, "replica-c:commit:2", 100*time.Millisecond); err != nil {
		t.Fatal(err)
	}
	if busy, err := rc.RunsUnderway(ctx); err != nil || !busy {
		t.Fatalf("announced run not seen: %v %v", busy, err)
	}
	time.Sleep(150 * time.Millisecond)
	if busy, err := rc.RunsUnderway(ctx); err != nil || busy {
		t.Fatalf("a lapsed marker still counts: %v %v", busy, err)
	}
	// A draft through the API announces itself and ends its marker.
	end := time.Now().UTC().Add(-time.Minute).Truncate(time.Second)
	if code, body := hs.call("POST", "/api/v1/payout-runs", map[string]any{"period_end": end.Format(time.RFC3339)}); code != 201 {
		t.Fatalf("draft: %d %v", code, body)
	}
	if busy, _ := rc.RunsUnderway(ctx); busy {
		t.Error("the draft's marker outlived it")
	}
}

// A replica that stops hands the counters' lease back before it returns (issue #19): the next
// holder, a replica already running or halod started again, takes over at once and goes on from
// the recorded progress, instead of waiting for the lease to expire with nobody counting.
func TestStoppingHolderHandsTheLeaseBackAtOnce(t *testing.T) {
	hs := newHarness(t)
	rc, own := testenv.Cache(t), testenv.Cache(t)
	l := &payouts.LiveCounters{Feed: hs.st, Cache: own, Log: testenv.Log(), Holder: "stopping", LeaseTTL: time.Minute}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { l.Run(ctx); close(done) }()
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		if h, err := rc.CounterLeaseHolder(context.Background()); err == nil && h == "stopping" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the counters never took the lease")
		}
	}
	cancel()
	<-done
	own.Close() // as halod does once its work has returned
	if h, err := rc.CounterLeaseHolder(context.Background()); err != nil || h != "" {
		t.Fatalf("after Run returned the lease is still held by %q (%v): a successor waits a minute", h, err)
	}
	next := &payouts.LiveCounters{Feed: hs.st, Cache: rc, Log: testenv.Log(), Holder: "next"}
	if err := next.Tick(context.Background()); err != nil {
		t.Fatal(err)
	}
	if h, _ := rc.CounterLeaseHolder(context.Background()); h != "next" {
		t.Fatalf("the successor did not take the lease at once: holder %q", h)
	}
}

// Issue #19: a left leg longer than the sums' first position (extreme-left placement builds
// them) keeps its lower members' left leg volume in the leg's sums. Ticked and rebuilt, the
// counters still equal a naive recomputation, and the API shows a deep member's left leg.
func TestLiveCountersOfALongLeftLeg(t *testing.T) {
	hs := newHarness(t)
	ctx := context.Background()
	if err := hs.counters.Tick(ctx); err != nil {
		t.Fatal(err)
	}
	parent, left := map[string]string{}, map[string]bool{}
	ids := []string{"root"}
	vol := map[string]int64{"root": 15000}
	for i := 0; i < 80; i++ {
		id := fmt.Sprintf("L%02d", i)
		sp, strat := "root", "extreme_left"
		if i%9 == 8 { // now and then a right leg below the leg's end
			sp, strat = ids[len(ids)-1], "extreme_right"
		}
		m := hs.register(id, "consultant", sp, strategy(strat))
		parent[id], left[id] = m["parent_id"].(string), m["leg"] == "left"
		ids = append(ids, id)
		vol[id] += 5000
	}
	deepest, pos := "", 0
	for _, id := range ids {
		p := 0
		for x := id; parent[x] != "" && left[x]; x = parent[x] {
			p++
		}
		if p > pos {
			deepest, pos = id, p
		}
	}
	if pos < 70 {
		t.Fatalf("root's left leg is %d deep, want beyond the sums' first position (64)", pos)
	}
	secret := hs.vendor("sun")
	rng := rand.New(rand.NewPCG(3, 4))
	for b := 0; b < 3; b++ {
		var evs []map[string]any
		for i := 0; i < 30; i++ {
			who := ids[1+rng.IntN(len(ids)-1)]
			act := fmt.Sprintf("a-%d-%d", b, i)
			evs = append(evs, activated("e-"+act, act, who, "SOLAR-6KW", "2026-02-02T00:00:00Z"))
			vol[who] += 40000
		}
		if code, body := hs.send("sun", secret, events(evs...), 0); code != 200 {
			t.Fatalf("batch %d: %d %v", b, code, body)
		}
		if err := hs.counters.Tick(ctx); err != nil {
			t.Fatal(err)
		}
	}
	pv, legs := expected(vol, parent, left)
	hs.checkCounters(t, hs.counters, ids, pv, legs, "incremental")

	other := cache.New(cache.Config{Addr: testenv.RedisAddr(), Prefix: "halotest3:"})
	defer other.Close()
	_ = other.FlushForTests(ctx)
	defer func() { _ = other.FlushForTests(ctx) }()
	fresh := &payouts.LiveCounters{Feed: hs.st, Cache: other, Log: testenv.Log()}
	if _, err := fresh.Rebuild(ctx); err != nil {
		t.Fatal(err)
	}
	hs.checkCounters(t, fresh, ids, pv, legs, "rebuilt")

	// The member just above the deepest: its left leg is the deepest member's volume.
	above := parent[deepest]
	_, body := hs.call("GET", "/api/v1/members/"+above+"/live-volume", nil)
	if want := fmt.Sprintf("%d.%02d", legs[above][0]/100, legs[above][0]%100); legs[above][0] == 0 || body["left_volume"] != want {
		t.Errorf("%s's live volume %v, want left %s", above, body, want)
	}
}
