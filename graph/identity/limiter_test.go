package identity

import (
	"testing"
	"time"

	"github.com/halo-oss/halo/graph"
)

func TestLoginLimiterWindow(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	l := &LoginLimiter{PerAccount: 2, PerIP: 3, Window: 10 * time.Minute, Now: func() time.Time { return now }}
	l.Failed("a@x.io", "1.1.1.1")
	l.Failed("a@x.io", "1.1.1.1")
	if graph.KindOf(l.Allow("a@x.io", "2.2.2.2")) != graph.KindRateLimited {
		t.Error("the account is limited whatever the address")
	}
	if l.Allow("b@x.io", "1.1.1.1") != nil {
		t.Error("another account from the same address is still allowed (2 of 3)")
	}
	l.Failed("b@x.io", "1.1.1.1")
	if graph.KindOf(l.Allow("c@x.io", "1.1.1.1")) != graph.KindRateLimited {
		t.Error("the address is limited after 3 failures")
	}
	now = now.Add(11 * time.Minute)
	if l.Allow("a@x.io", "1.1.1.1") != nil {
		t.Error("failures expire after the window")
	}
	l.Failed("d@x.io", "")
	l.Succeeded("d@x.io")
	l.Failed("d@x.io", "")
	if l.Allow("d@x.io", "") != nil {
		t.Error("a success clears the account's failures")
	}
	var none *LoginLimiter
	if none.Allow("x", "y") != nil {
		t.Error("a nil limiter allows everything")
	}
}
