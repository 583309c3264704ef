package identity

import (
	"sync"
	"testing"
	"time"

	"github.com/halo-oss/halo/graph"
)

func TestLoginLimiterWindow(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	l := &LoginLimiter{PerAccount: 2, PerIP: 3, Window: 10 * time.Minute, Now: func() time.Time { return now }}
	limited := func(err error) bool { return graph.KindOf(err) == graph.KindRateLimited }
	_ = l.Attempt("a@x.io", "1.1.1.1")
	_ = l.Attempt("a@x.io", "1.1.1.1")
	if !limited(l.Attempt("a@x.io", "2.2.2.2")) {
		t.Error("the account is limited whatever the address")
	}
	if l.Attempt("b@x.io", "1.1.1.1") != nil {
		t.Error("another account from the same address is still allowed (3rd of 3)")
	}
	if !limited(l.Attempt("c@x.io", "1.1.1.1")) {
		t.Error("the address is limited after 3 tries")
	}
	now = now.Add(11 * time.Minute)
	if l.Attempt("a@x.io", "1.1.1.1") != nil {
		t.Error("tries expire after the window")
	}
	_ = l.Attempt("d@x.io", "9.9.9.9")
	l.Succeeded("d@x.io", "9.9.9.9")
	_ = l.Attempt("d@x.io", "9.9.9.9")
	l.Release("d@x.io", "9.9.9.9") // an outage: no failure counted
	if l.Attempt("d@x.io", "9.9.9.9") != nil || l.Attempt("d@x.io", "9.9.9.9") != nil {
		t.Error("a success clears the account's failures; a released try does not count")
	}
	var none *LoginLimiter
	if none.Attempt("x", "y") != nil {
		t.Error("a nil limiter allows everything")
	}
}

// Issue #14, finding 6: parallel attempts are counted before the password is checked, so no more
// than the limit are ever evaluated.
func TestParallelAttemptsCannotExceedTheLimit(t *testing.T) {
	l := &LoginLimiter{PerAccount: 5, PerIP: 1000}
	var wg sync.WaitGroup
	var mu sync.Mutex
	allowed := 0
	for i := 0; i < 40; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if l.Attempt("ana@example.com", "10.0.0.1") == nil {
				mu.Lock()
				allowed++
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if allowed != 5 {
		t.Errorf("%d of 40 parallel attempts were let through, want 5", allowed)
	}
}
