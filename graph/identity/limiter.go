package identity

import (
	"context"
	"sync"
	"time"

	"github.com/halo-oss/halo/graph"
)

// LoginLimiter refuses logins after too many failures for one account or from one address
// within a window. With Shared set the tries are counted where every replica of halod sees them
// (Redis), so N replicas allow what one does; while that store cannot be reached each process
// counts on its own, rather than letting every login through or refusing all of them.
type LoginLimiter struct {
	PerAccount int           // failures per account per window (default 5)
	PerIP      int           // failures per address per window (default 30)
	Window     time.Duration // default 15 minutes
	Now        func() time.Time
	Shared     AttemptStore

	mu       sync.Mutex
	failures map[string][]time.Time
}

// AttemptStore keeps tries in sliding windows shared by every replica.
type AttemptStore interface {
	// Take records one try now under every key at once, or none and false when any key already
	// holds its max tries within window.
	Take(ctx context.Context, keys []string, max []int, window time.Duration, now time.Time) (bool, error)
	// GiveBack removes the latest try under each key; Clear forgets a key.
	GiveBack(ctx context.Context, keys ...string) error
	Clear(ctx context.Context, key string) error
}

func shortCtx() (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), time.Second)
}

func (l *LoginLimiter) defaults() {
	if l.PerAccount == 0 {
		l.PerAccount = 5
	}
	if l.PerIP == 0 {
		l.PerIP = 30
	}
	if l.Window == 0 {
		l.Window = 15 * time.Minute
	}
	if l.Now == nil {
		l.Now = time.Now
	}
	if l.failures == nil {
		l.failures = map[string][]time.Time{}
	}
}

// recent prunes and returns the failures of key inside the window.
func (l *LoginLimiter) recent(key string, now time.Time) []time.Time {
	fs := l.failures[key]
	i := 0
	for i < len(fs) && now.Sub(fs[i]) > l.Window {
		i++
	}
	fs = fs[i:]
	if len(fs) == 0 {
		delete(l.failures, key)
	} else {
		l.failures[key] = fs
	}
	return fs
}

// quota is a key with its limit within the window.
type quota struct {
	key string
	max int
}

// take counts one try under every quota at once, or none when any is used up (caller holds mu).
func (l *LoginLimiter) take(qs ...quota) bool {
	now := l.Now()
	if l.Shared != nil {
		keys, max := make([]string, len(qs)), make([]int, len(qs))
		for i, q := range qs {
			keys[i], max[i] = q.key, q.max
		}
		ctx, cancel := shortCtx()
		ok, err := l.Shared.Take(ctx, keys, max, l.Window, now)
		cancel()
		if err == nil {
			return ok
		}
	}
	for _, q := range qs {
		if len(l.recent(q.key, now)) >= q.max {
			return false
		}
	}
	for _, q := range qs {
		l.failures[q.key] = append(l.failures[q.key], now)
	}
	return true
}

// Attempt reserves one try for email from ip: refused (429) when the account or the address has
// used up its window, otherwise counted as a failure at once, before the password is checked —
// so parallel attempts cannot all be evaluated. Succeeded takes a successful try back.
func (l *LoginLimiter) Attempt(email, ip string) error {
	if l == nil {
		return nil
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.defaults()
	qs := []quota{{"a:" + email, l.PerAccount}}
	if ip != "" {
		qs = append(qs, quota{"i:" + ip, l.PerIP})
	}
	if !l.take(qs...) {
		return graph.RateLimited("too many failed logins; try again in %d minutes", int(l.Window.Minutes()))
	}
	return nil
}

// Throttle counts one try under key (an address's self-registrations, say) and refuses (429)
// when max tries were made within the window.
func (l *LoginLimiter) Throttle(key string, max int, what string) error {
	if l == nil {
		return nil
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.defaults()
	if !l.take(quota{"t:" + key, max}) {
		return graph.RateLimited("too many %s from this address; try again in %d minutes", what, int(l.Window.Minutes()))
	}
	return nil
}

// giveBack removes the latest try under each key (caller holds mu).
func (l *LoginLimiter) giveBack(keys ...string) {
	if l.Shared != nil {
		ctx, cancel := shortCtx()
		_ = l.Shared.GiveBack(ctx, keys...)
		cancel()
	}
	for _, k := range keys {
		if fs := l.failures[k]; len(fs) > 0 {
			l.failures[k] = fs[:len(fs)-1]
		}
	}
}

// Release takes back a try that neither failed nor succeeded (a backing service was down).
func (l *LoginLimiter) Release(email, ip string) {
	if l == nil {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.defaults()
	l.giveBack("a:"+email, "i:"+ip)
}

// Succeeded clears the account's failures and takes the address's try back.
func (l *LoginLimiter) Succeeded(email, ip string) {
	if l == nil {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.defaults()
	delete(l.failures, "a:"+email)
	if l.Shared != nil {
		ctx, cancel := shortCtx()
		_ = l.Shared.Clear(ctx, "a:"+email)
		cancel()
	}
	l.giveBack("i:" + ip)
}
