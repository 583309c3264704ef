package cache_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/halo-oss/halo/cache"
	"github.com/halo-oss/halo/graph"
	"github.com/halo-oss/halo/graph/identity"
	"github.com/halo-oss/halo/graph/payouts"
	"github.com/halo-oss/halo/internal/testenv"
)

func fresh(t *testing.T) *cache.Cache {
	t.Helper()
	testenv.Cache(t) // fails under CI=true without the test Redis
	c := cache.New(cache.Config{Addr: testenv.RedisAddr(), Prefix: "halotest-lease:"})
	t.Cleanup(func() { _ = c.FlushForTests(context.Background()); c.Close() })
	if err := c.FlushForTests(context.Background()); err != nil {
		t.Fatal(err)
	}
	return c
}

// Issue #17: one writer at a time, by lease; a holder keeps its token while it renews, a new
// holder gets a larger one, and a write with an old token is refused however late it arrives.
func TestCounterLeaseFencesFormerHolders(t *testing.T) {
	c := fresh(t)
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
	if _, err := c.Replace(ctx, a, map[string]int64{"x": 100}, map[string][2]int64{"root": {100, 0}}); err != nil {
		t.Fatal(err)
	}
	if err := c.Apply(ctx, a, map[string]int64{"x": 5}, nil); err != nil {
		t.Fatal(err)
	}
	// a pauses past its lease; b takes over.
	time.Sleep(400 * time.Millisecond)
	b, _ := c.Lease(ctx, "b", time.Second)
	if b <= a {
		t.Fatalf("b's token %d must be above a's %d", b, a)
	}
	if err := c.Apply(ctx, a, map[string]int64{"x": 1000}, nil); !errors.Is(err, payouts.ErrFenced) {
		t.Fatalf("a's late write: %v", err)
	}
	if _, err := c.Replace(ctx, a, map[string]int64{"x": 1}, nil); !errors.Is(err, payouts.ErrFenced) {
		t.Fatalf("a's late rebuild: %v", err)
	}
	got, err := c.Read(ctx, []string{"x", "root"})
	if err != nil || got["x"].PV != 105 || got["root"].Left != 100 {
		t.Fatalf("counters untouched by the fenced writes: %+v %v", got, err)
	}
	// b rebuilds; a's generation is gone and a cannot switch back to it.
	if _, err := c.Replace(ctx, b, map[string]int64{"x": 7}, nil); err != nil {
		t.Fatal(err)
	}
	if got, _ := c.Read(ctx, []string{"x"}); got["x"].PV != 7 {
		t.Fatalf("after b's rebuild: %+v", got)
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
}

// Twenty replicas racing for a free lease: exactly one gets it.
func TestCounterLeaseHasOneHolder(t *testing.T) {
	c := fresh(t)
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
func TestLoginLimitHoldsAcrossReplicas(t *testing.T) {
	c := fresh(t)
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
