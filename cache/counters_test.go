package cache_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/halo-oss/halo/cache"
	"github.com/halo-oss/halo/engine"
	"github.com/halo-oss/halo/graph"
	"github.com/halo-oss/halo/graph/identity"
	"github.com/halo-oss/halo/graph/payouts"
	"github.com/halo-oss/halo/internal/testenv"
)

// topologies runs a test against one Redis server, a Redis Cluster and a Sentinel-managed
// primary (scripts/redis-topologies.sh starts the last two; scripts/test.sh calls it).
func topologies(t *testing.T, run func(t *testing.T, c *cache.Cache)) {
	testenv.Cache(t) // fails under CI=true without the test Redis
	cfgs := map[string]*cache.Config{"single": {Addr: testenv.RedisAddr()}}
	if v := os.Getenv("HALO_TEST_REDIS_CLUSTER"); v != "" {
		cfgs["cluster"] = &cache.Config{Addrs: strings.Split(v, ","), Cluster: true}
	} else {
		cfgs["cluster"] = nil
	}
	if v := os.Getenv("HALO_TEST_REDIS_SENTINEL"); v != "" {
		cfgs["sentinel"] = &cache.Config{Addrs: strings.Split(v, ","), MasterName: os.Getenv("HALO_TEST_REDIS_SENTINEL_MASTER")}
	} else {
		cfgs["sentinel"] = nil
	}
	for _, name := range []string{"single", "cluster", "sentinel"} {
		t.Run(name, func(t *testing.T) {
			cfg := cfgs[name]
			if cfg == nil {
				if testenv.CI() {
					t.Fatalf("Redis %s is required under CI=true (scripts/redis-topologies.sh)", name)
				}
				t.Skipf("no Redis %s; run scripts/redis-topologies.sh start and export what it prints", name)
			}
			cfg.Prefix = "halotest-topo:"
			c := cache.New(*cfg)
			ctx := context.Background()
			if err := c.Ping(ctx); err != nil {
				t.Fatalf("Redis %s: %v", name, err)
			}
			t.Cleanup(func() { _ = c.FlushForTests(context.Background()); c.Close() })
			if err := c.FlushForTests(ctx); err != nil {
				t.Fatal(err)
			}
			run(t, c)
		})
	}
}

// Issue #17: one writer at a time, by lease; a holder keeps its token while it renews, a new
// holder gets a larger one, and a write with an old token is refused however late it arrives.
func TestCounterLeaseFencesFormerHolders(t *testing.T) { topologies(t, counterLeaseFences) }

func counterLeaseFences(t *testing.T, c *cache.Cache) {
	ctx := context.Background()
	a, err := c.Lease(ctx, "a", 300*time.Millisecond)
	if err != nil || a == 0 {
		t.Fatalf("a takes the lease: %d %v", a, err)
	}
	if again, _ := c.Lease(ctx, "a", 300*time.Millisecond); again != a {
		t.Fatalf("renewing keeps the token: %d, %d", again, a)
	}
	if b, _ := c.Lease(ctx, "b", time.Second); b != 0 {
		t.Fatalf("b while a holds it: %d", b)
	}
	// Issue #19: the holder's progress is kept with the counts, so a successor resumes from it.
	t0 := time.Date(2026, 3, 1, 12, 0, 0, 123456789, time.UTC)
	if _, err := c.Replace(ctx, a, payouts.Rollup{PV: map[string]int64{"x": 100}, Legs: []payouts.LegVolume{{ID: "root", Left: 100}}},
		payouts.Progress{Cursor: t0, Counted: map[string]time.Time{"s1": t0, "s2": t0.Add(time.Nanosecond)}, Served: 3}); err != nil {
		t.Fatal(err)
	}
	t1 := t0.Add(time.Second)
	if err := c.Apply(ctx, a, payouts.Rollup{PV: map[string]int64{"x": 5}},
		payouts.Progress{Cursor: t1, Counted: map[string]time.Time{"s3": t1.Add(7)}, Forgot: []string{"s1", "s2"}}); err != nil {
		t.Fatal(err)
	}
	resumed := func(when string) {
		t.Helper()
		_, p, err := c.Resume(ctx)
		if err != nil || p == nil || !p.Cursor.Equal(t1) || p.Served != 3 || len(p.Counted) != 1 || !p.Counted["s3"].Equal(t1.Add(7)) {
			t.Fatalf("%s: progress %+v %v", when, p, err)
		}
	}
	resumed("after a's apply")
	// a pauses past its lease; b takes over.
	time.Sleep(400 * time.Millisecond)
	b, _ := c.Lease(ctx, "b", time.Second)
	if b <= a {
		t.Fatalf("b's token %d must be above a's %d", b, a)
	}
	late := payouts.Progress{Cursor: t1.Add(time.Hour), Counted: map[string]time.Time{"s4": t1.Add(time.Hour)}, Forgot: []string{"s3"}}
	if err := c.Apply(ctx, a, payouts.Rollup{PV: map[string]int64{"x": 1000}}, late); !errors.Is(err, payouts.ErrFenced) {
		t.Fatalf("a's late write: %v", err)
	}
	if _, err := c.Replace(ctx, a, payouts.Rollup{PV: map[string]int64{"x": 1}}, late); !errors.Is(err, payouts.ErrFenced) {
		t.Fatalf("a's late rebuild: %v", err)
	}
	got, err := c.Read(ctx, []string{"x", "root"})
	if err != nil || got["x"].PV != 105 || got["root"].Left != 100 {
		t.Fatalf("counters untouched by the fenced writes: %+v %v", got, err)
	}
	resumed("after a's fenced writes") // neither the counts nor the progress of a late write land
	// b rebuilds; a's generation is gone and a cannot switch back to it.
	if _, err := c.Replace(ctx, b, payouts.Rollup{PV: map[string]int64{"x": 7}}, payouts.Progress{Cursor: t1, Served: 4}); err != nil {
		t.Fatal(err)
	}
	if got, _ := c.Read(ctx, []string{"x"}); got["x"].PV != 7 {
		t.Fatalf("after b's rebuild: %+v", got)
	}
	// A read of the generation read last (one round trip) sees what was applied since.
	if err := c.Apply(ctx, b, payouts.Rollup{PV: map[string]int64{"x": 2}}, payouts.Progress{Cursor: t1.Add(time.Second), Served: 4}); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if got, err := c.Read(ctx, []string{"x", "nobody"}); err != nil || got["x"].PV != 9 || got["nobody"].PV != 0 {
			t.Fatalf("reading b's generation again: %+v %v", got, err)
		}
	}
	if _, p, err := c.Resume(ctx); err != nil || p == nil || p.Served != 4 || len(p.Counted) != 0 {
		t.Fatalf("b's generation starts its own progress: %+v %v", p, err)
	}
	// Release hands over at once; only the holder can release.
	_ = c.Release(ctx, "a")
	if x, _ := c.Lease(ctx, "c", time.Second); x != 0 {
		t.Fatal("a released what b holds")
	}
	_ = c.Release(ctx, "b")
	if x, _ := c.Lease(ctx, "c", time.Second); x <= b {
		t.Fatalf("c after b released: %d", x)
	}
	// Rebuild requests are counted for the holder to serve.
	n0, _ := c.Requested(ctx)
	if n, err := c.RequestRebuild(ctx); err != nil || n != n0+1 {
		t.Fatalf("request: %d %v", n, err)
	}
	// Redis lost the counters: a read says so, whatever generation it read last.
	if err := c.FlushForTests(ctx); err != nil {
		t.Fatal(err)
	}
	if got, err := c.Read(ctx, []string{"x"}); err == nil {
		t.Fatalf("a read after Redis lost the counters: %+v", got)
	}
}

// Twenty replicas racing for a free lease: exactly one gets it.
func TestCounterLeaseHasOneHolder(t *testing.T) { topologies(t, leaseHasOneHolder) }

func leaseHasOneHolder(t *testing.T, c *cache.Cache) {
	ctx := context.Background()
	var wg sync.WaitGroup
	var mu sync.Mutex
	won := 0
	for i := 0; i < 20; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			tok, err := c.Lease(ctx, string(rune('a'+i)), time.Second)
			if err != nil {
				t.Error(err)
			}
			if tok != 0 {
				mu.Lock()
				won++
				mu.Unlock()
			}
		}(i)
	}
	wg.Wait()
	if won != 1 {
		t.Fatalf("%d holders", won)
	}
}

// Issue #17: the login limit holds across replicas. Three limiters (three halods) share Redis:
// the account's five failures are spread over them, and the sixth try is refused on any of them;
// a success through one clears the account for all.
func TestLoginLimitHoldsAcrossReplicas(t *testing.T) { topologies(t, loginLimitAcrossReplicas) }

func loginLimitAcrossReplicas(t *testing.T, c *cache.Cache) {
	replicas := []*identity.LoginLimiter{{Shared: c}, {Shared: c}, {Shared: c}}
	for i := 0; i < 5; i++ {
		if err := replicas[i%3].Attempt("ana@example.com", "10.0.0.1"); err != nil {
			t.Fatalf("try %d: %v", i+1, err)
		}
	}
	for i, r := range replicas {
		if err := r.Attempt("ana@example.com", "10.0.0.2"); graph.KindOf(err) != graph.KindRateLimited {
			t.Errorf("replica %d let a sixth try through: %v", i, err)
		}
	}
	replicas[0].Succeeded("ana@example.com", "10.0.0.1")
	if err := replicas[2].Attempt("ana@example.com", "10.0.0.1"); err != nil {
		t.Errorf("after a success on another replica: %v", err)
	}
	// Self-registrations per address, the same way.
	for i := 0; i < 3; i++ {
		if err := replicas[i].Throttle("join:10.0.0.9", 3, "self-registrations"); err != nil {
			t.Fatal(err)
		}
	}
	if err := replicas[1].Throttle("join:10.0.0.9", 3, "self-registrations"); graph.KindOf(err) != graph.KindRateLimited {
		t.Errorf("a fourth self-registration: %v", err)
	}
}

// The projection published by one replica reads back the same through another, in every topology.
func TestProjectionRoundTrip(t *testing.T) { topologies(t, projectionRoundTrip) }

func projectionRoundTrip(t *testing.T, c *cache.Cache) {
	ctx := context.Background()
	tok, err := c.ProjectionLease(ctx, "a", time.Second)
	if err != nil || tok == 0 {
		t.Fatalf("lease: %d %v", tok, err)
	}
	at := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	p := &payouts.Projection{PeriodEnd: at.AddDate(0, 0, 3), AsOf: at, Members: map[string]*payouts.Projected{
		"ana": {ByType: [8]engine.Units{0: 12345, 3: -500}, Generations: [8]int32{2, 5}},
		"bo":  {}, // nothing to show: not stored
	}}
	p.Members["ana"].State.Active, p.Members["ana"].State.PersonalVolume, p.Members["ana"].State.SponsoredActives = true, 6000, 2
	p.Members["ana"].State.LeftMembers, p.Members["ana"].State.RightMembers = 3, 4
	if err := c.PublishProjection(ctx, tok, p); err != nil {
		t.Fatal(err)
	}
	got, err := c.LookupProjection(ctx, []string{"ana", "bo", "nobody"})
	if err != nil || !got.AsOf.Equal(at) || !got.PeriodEnd.Equal(p.PeriodEnd) {
		t.Fatalf("%+v %v", got, err)
	}
	a := got.Members["ana"]
	if a.ByType != p.Members["ana"].ByType || a.Generations != p.Members["ana"].Generations || !a.State.Active || a.State.PersonalVolume != 6000 ||
		a.State.SponsoredActives != 2 || a.State.LeftMembers != 3 || a.State.RightMembers != 4 {
		t.Errorf("ana: %+v", a)
	}
	if got.Members["bo"].State.Active || got.Members["nobody"] == nil {
		t.Errorf("absent members read as zero: %+v", got.Members)
	}
	// The next projections go out as what changed: a figure moves, a member appears, one that
	// has nothing to show any more reads as zero; the as_of moves with them.
	p2 := &payouts.Projection{PeriodEnd: p.PeriodEnd, AsOf: at.Add(time.Minute), Members: map[string]*payouts.Projected{
		"ana": {ByType: [8]engine.Units{0: 20000}}, "cy": {Generations: [8]int32{1}}}}
	if err := c.PublishProjection(ctx, tok, p2); err != nil {
		t.Fatal(err)
	}
	got, _ = c.LookupProjection(ctx, []string{"ana", "cy"})
	if !got.AsOf.Equal(p2.AsOf) || got.Members["ana"].ByType[0] != 20000 || got.Members["ana"].State.Active || got.Members["cy"].Generations[0] != 1 {
		t.Errorf("after an update: %v %+v %+v", got.AsOf, got.Members["ana"], got.Members["cy"])
	}
	p3 := &payouts.Projection{PeriodEnd: p.PeriodEnd, AsOf: at.Add(2 * time.Minute), Members: map[string]*payouts.Projected{"cy": {Generations: [8]int32{1}}}}
	if err := c.PublishProjection(ctx, tok, p3); err != nil {
		t.Fatal(err)
	}
	got, _ = c.LookupProjection(ctx, []string{"ana", "cy"})
	if got.Members["ana"].ByType[0] != 0 || got.Members["cy"].Generations[0] != 1 || !got.AsOf.Equal(p3.AsOf) {
		t.Errorf("after a member dropped out: %+v %+v", got.Members["ana"], got.Members["cy"])
	}
	// A whole projection as the projector makes it (IDs and Items in member-id order): members
	// before, between and after the published ones appear, one that left with nothing to show
	// any more reads as zero, an unchanged one stays.
	p4 := &payouts.Projection{PeriodEnd: p.PeriodEnd, AsOf: at.Add(3 * time.Minute), IDs: []string{"abe", "bo", "cy", "zed"},
		Items: []payouts.Projected{{ByType: [8]engine.Units{1: 700}}, {Generations: [8]int32{0, 3}}, {Generations: [8]int32{1}}, {ByType: [8]engine.Units{2: 9}}}}
	if err := c.PublishProjection(ctx, tok, p4); err != nil {
		t.Fatal(err)
	}
	got, _ = c.LookupProjection(ctx, []string{"abe", "bo", "cy", "zed"})
	if got.Members["abe"].ByType[1] != 700 || got.Members["bo"].Generations[1] != 3 || got.Members["cy"].Generations[0] != 1 || got.Members["zed"].ByType[2] != 9 || !got.AsOf.Equal(p4.AsOf) {
		t.Errorf("a whole projection: %+v", got.Members)
	}
	p5 := &payouts.Projection{PeriodEnd: p.PeriodEnd, AsOf: at.Add(4 * time.Minute), IDs: []string{"abe", "bo", "cy"},
		Items: []payouts.Projected{{ByType: [8]engine.Units{1: 700}}, {}, {Generations: [8]int32{2}}}}
	if err := c.PublishProjection(ctx, tok, p5); err != nil {
		t.Fatal(err)
	}
	got, _ = c.LookupProjection(ctx, []string{"abe", "bo", "cy", "zed"})
	if got.Members["abe"].ByType[1] != 700 || got.Members["bo"].Generations[1] != 0 || got.Members["cy"].Generations[0] != 2 || got.Members["zed"].ByType[2] != 0 {
		t.Errorf("after a whole projection's update: %+v", got.Members)
	}
	at = p5.AsOf
	// Payout runs under way, seen by every replica until they end or their marker lapses.
	if err := c.AnnounceRun(ctx, "r1", time.Minute); err != nil {
		t.Fatal(err)
	}
	if busy, err := c.RunsUnderway(ctx); err != nil || !busy {
		t.Errorf("announced run: %v %v", busy, err)
	}
	if err := c.EndRun(ctx, "r1"); err != nil {
		t.Fatal(err)
	}
	if busy, _ := c.RunsUnderway(ctx); busy {
		t.Error("an ended run still counts")
	}
	// A holder that lost the lease cannot publish.
	_ = c.ProjectionRelease(ctx, "a")
	if _, err := c.ProjectionLease(ctx, "b", time.Second); err != nil {
		t.Fatal(err)
	}
	if err := c.PublishProjection(ctx, tok, &payouts.Projection{AsOf: at.Add(time.Hour)}); !errors.Is(err, payouts.ErrFenced) {
		t.Errorf("a fenced publish: %v", err)
	}
	if got, _ := c.LookupProjection(ctx, []string{"ana"}); !got.AsOf.Equal(at) {
		t.Errorf("the fenced publish replaced the projection: %v", got.AsOf)
	}
}

// Issue #19: a sale accepted on any replica wakes the projection's lease holder. Each replica
// subscribes; a signal published on one reaches every subscriber.
func TestAcceptedSignalReachesTheReplicas(t *testing.T) { topologies(t, acceptedSignalReaches) }

func acceptedSignalReaches(t *testing.T, c *cache.Cache) {
	var sig payouts.AcceptedSignal = c
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	heard := make(chan struct{}, 16)
	done := make(chan struct{})
	go func() {
		defer close(done)
		sig.OnAccepted(ctx, func() { heard <- struct{}{} })
	}()
	// The subscription is made in the background: publish until it hears one.
	deadline := time.After(10 * time.Second)
	for got := false; !got; {
		if err := sig.SignalAccepted(ctx); err != nil {
			t.Fatal(err)
		}
		select {
		case <-heard:
			got = true
		case <-time.After(50 * time.Millisecond):
		case <-deadline:
			t.Fatal("no signal heard in 10 s")
		}
	}
	cancel()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("OnAccepted did not return when its context ended")
	}
}

// Issue #19: a tick's increments are staged with its progress in one transaction and applied a
// chunk at a time after it, so Redis never stops for a whole tick's tens of thousands of fields.
// Every increment lands exactly once: many chunks in one tick, and those of a holder that lost
// its lease between staging and applying, which its successor applies before its own.
func TestCounterChunksApplyOnceAcrossHolders(t *testing.T) { topologies(t, counterChunksOnce) }

func counterChunksOnce(t *testing.T, c *cache.Cache) {
	ctx := context.Background()
	_ = c.FlushForTests(ctx)
	a, err := c.Lease(ctx, "a", 300*time.Millisecond)
	if err != nil || a == 0 {
		t.Fatalf("a takes the lease: %d %v", a, err)
	}
	t0 := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	if _, err := c.Replace(ctx, a, payouts.Rollup{PV: map[string]int64{"m0": 1}}, payouts.Progress{Cursor: t0, Served: 1}); err != nil {
		t.Fatal(err)
	}
	// 1,300 members, each with PV and both legs: 3,900 increments, several chunks. One id that
	// needs JSON escaping, and a value beyond a float's exact integers.
	const n = 1300
	ids := make([]string, n)
	pv := map[string]int64{}
	var legs []payouts.LegVolume
	for i := range ids {
		ids[i] = fmt.Sprintf("m%d", i)
		pv[ids[i]] = int64(i + 1)
		legs = append(legs, payouts.LegVolume{ID: ids[i], Left: int64(2 * i), Right: -int64(i)})
	}
	odd := `odd"id\`
	ids = append(ids, odd)
	pv[odd] = 9007199254740993 // 2^53 + 1
	want := func(i int) payouts.Counters {
		return payouts.Counters{MemberID: ids[i], PV: int64(i + 1), Left: int64(2 * i), Right: -int64(i)}
	}
	t1 := t0.Add(time.Second)
	if err := c.Apply(ctx, a, payouts.Rollup{PV: pv, Legs: legs}, payouts.Progress{Cursor: t1, Counted: map[string]time.Time{"s1": t1}}); err != nil {
		t.Fatal(err)
	}
	got, err := c.Read(ctx, ids)
	if err != nil {
		t.Fatal(err)
	}
	for i := range n {
		w := want(i)
		if i == 0 {
			w.PV++ // the rebuild's 1
		}
		if got[ids[i]] != w {
			t.Fatalf("%s: %+v, want %+v", ids[i], got[ids[i]], w)
		}
	}
	if got[odd].PV != 9007199254740993 {
		t.Fatalf("%s: %+v", odd, got[odd])
	}
	// a stages its next tick and loses the lease before applying it: its progress is recorded,
	// its counts wait, and b applies them (once) with its own first tick.
	var b int64
	cache.SetAfterStage(c, func() {
		time.Sleep(400 * time.Millisecond)
		b, _ = c.Lease(ctx, "b", time.Minute)
	})
	t2 := t1.Add(time.Second)
	if err := c.Apply(ctx, a, payouts.Rollup{PV: map[string]int64{"m1": 10}, Legs: []payouts.LegVolume{{ID: "m2", Left: 20}}}, payouts.Progress{Cursor: t2}); !errors.Is(err, payouts.ErrFenced) {
		t.Fatalf("a applies after losing the lease: %v", err)
	}
	cache.SetAfterStage(c, nil)
	if b <= a {
		t.Fatalf("b's token %d, a's %d", b, a)
	}
	if _, p, err := c.Resume(ctx); err != nil || p == nil || !p.Cursor.Equal(t2) {
		t.Fatalf("a's staged tick is recorded: %+v %v", p, err)
	}
	if got, _ := c.Read(ctx, []string{"m1", "m2"}); got["m1"].PV != 2 || got["m2"].Left != 4 {
		t.Fatalf("a's staged counts are not applied yet: %+v", got)
	}
	if err := c.Apply(ctx, b, payouts.Rollup{PV: map[string]int64{"m1": 100}}, payouts.Progress{Cursor: t2.Add(time.Second)}); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if got, _ := c.Read(ctx, []string{"m1", "m2"}); got["m1"].PV != 112 || got["m2"].Left != 24 {
			t.Fatalf("a's staged counts applied once, with b's: %+v", got)
		}
		// Applying nothing new applies nothing again.
		if err := c.Apply(ctx, b, payouts.Rollup{}, payouts.Progress{Cursor: t2.Add(2 * time.Second)}); err != nil {
			t.Fatal(err)
		}
	}
}

// Issue #19: a projection is published as what changed since the last, into arrays the
// publication before last used. Over a series of updates where members appear, change, keep
// their figures and drop out (the network growing past the arrays' room too), every lookup
// reads exactly the latest projection.
func TestProjectionDeltaSeries(t *testing.T) { topologies(t, projectionDeltaSeries) }

func projectionDeltaSeries(t *testing.T, c *cache.Cache) {
	ctx := context.Background()
	tok, err := c.ProjectionLease(ctx, "series", time.Second)
	if err != nil || tok == 0 {
		t.Fatalf("lease: %d %v", tok, err)
	}
	at := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	rng := uint64(7)
	next := func(n uint64) uint64 { rng = rng*6364136223846793005 + 1442695040888963407; return (rng >> 33) % n }
	var all []string
	for round := 0; round < 12; round++ {
		members := 40 + 30*round // more members than the last arrays held
		p := &payouts.Projection{PeriodEnd: at.AddDate(0, 0, 3), AsOf: at.Add(time.Duration(round) * time.Minute)}
		for i := 0; i < members; i++ {
			id := fmt.Sprintf("m%04d", i)
			var it payouts.Projected
			switch next(4) {
			case 0: // nothing to show
			case 1: // a figure that stays from round to round
				it.ByType[0] = engine.Units(i)
			default:
				it.ByType[1], it.Generations[0] = engine.Units(next(1000)+1), int32(round)
			}
			p.IDs, p.Items = append(p.IDs, id), append(p.Items, it)
		}
		if err := c.PublishProjection(ctx, tok, p); err != nil {
			t.Fatalf("round %d: %v", round, err)
		}
		all = p.IDs
		got, err := c.LookupProjection(ctx, append(slices.Clone(all), "m9999"))
		if err != nil || !got.AsOf.Equal(p.AsOf) {
			t.Fatalf("round %d: %v %v", round, got, err)
		}
		for i, id := range all {
			if g := got.Members[id]; g.ByType != p.Items[i].ByType || g.Generations != p.Items[i].Generations {
				t.Fatalf("round %d: %s reads %+v, want %+v", round, id, *g, p.Items[i])
			}
		}
	}
}

// Issue #19: a long left leg's volume lives in sums (payouts.PathSum). Marks written by a
// rebuild and by a tick, sums added by both across several chunks, and a marked member's own
// left counter (counted before it was marked) read back as each member's left leg volume: the
// sum of what entered the leg below it.
func TestLongLegSumsReadBack(t *testing.T) { topologies(t, longLegSums) }

func longLegSums(t *testing.T, c *cache.Cache) {
	ctx := context.Background()
	a, err := c.Lease(ctx, "a", time.Second)
	if err != nil || a == 0 {
		t.Fatalf("a takes the lease: %d %v", a, err)
	}
	const n = 1500 // members at positions 1..n from the sums' first position of two legs
	legs := []string{"top-a", "top-b"}
	entered := map[string][]int64{} // leg → what entered at each index (1-based)
	member := func(leg string, i int) string { return fmt.Sprintf("%s-%d", leg, i) }
	var marks []payouts.PathMark
	for _, leg := range legs {
		entered[leg] = make([]int64, n+1)
		for i := 1; i <= n; i++ {
			marks = append(marks, payouts.PathMark{ID: member(leg, i), Top: leg, First: int32(i)})
		}
	}
	// What enters at index i is left leg volume for the members from index 1 to i: the
	// Fenwick update a rollup makes (payouts.placement.rollUp).
	sums := func(k int, seed int64) []payouts.PathSum {
		node := map[payouts.PathSum]int64{}
		for e := range k {
			leg := legs[e%2]
			i := 1 + int((seed*7919+int64(e)*104729)%n)
			v := int64(e%13) - 3
			entered[leg][i] += v
			for j := int32(i); j > 0; j -= j & -j {
				node[payouts.PathSum{Top: leg, Node: j}] += v
			}
		}
		var out []payouts.PathSum
		for s, v := range node {
			out = append(out, payouts.PathSum{Top: s.Top, Node: s.Node, V: v})
		}
		return out
	}
	t0 := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	// The rebuild marks the first half; its own left counter holds 1,000 for member 1 of leg a.
	rebuilt := payouts.Rollup{PV: map[string]int64{member("top-a", 1): 5}, Legs: []payouts.LegVolume{{ID: member("top-a", 1), Left: 1000}},
		Sums: sums(2000, 1), Marks: marks[:n/2]}
	if _, err := c.Replace(ctx, a, rebuilt, payouts.Progress{Cursor: t0, Served: 1}); err != nil {
		t.Fatal(err)
	}
	tick := payouts.Rollup{Sums: sums(3000, 2), Marks: marks[n/2:]}
	if err := c.Apply(ctx, a, tick, payouts.Progress{Cursor: t0.Add(time.Second)}); err != nil {
		t.Fatal(err)
	}
	ids := []string{"nobody", member("top-a", 1), member("top-a", 1)} // twice: counted once
	for _, leg := range legs {
		for i := 1; i <= n; i += 7 {
			ids = append(ids, member(leg, i))
		}
	}
	got, err := c.Read(ctx, ids)
	if err != nil {
		t.Fatal(err)
	}
	for _, leg := range legs {
		for i := 1; i <= n; i += 7 {
			var want int64
			for _, v := range entered[leg][i:] {
				want += v
			}
			if leg == "top-a" && i == 1 {
				want += 1000
			}
			if g := got[member(leg, i)]; g.Left != want || g.Right != 0 {
				t.Fatalf("%s: left %d right %d, want left %d", member(leg, i), g.Left, g.Right, want)
			}
		}
	}
	if g := got[member("top-a", 1)]; g.PV != 5 {
		t.Fatalf("personal volume beside the sums: %+v", g)
	}
	if g := got["nobody"]; g != (payouts.Counters{MemberID: "nobody"}) {
		t.Fatalf("an unknown member: %+v", g)
	}
}
