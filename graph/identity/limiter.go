package identity

import (
	"sync"
	"time"

	"github.com/halo-oss/halo/graph"
)

// LoginLimiter refuses logins after too many failures for one account or from one address
// within a window. It counts per process: behind several halod instances each has its own.
type LoginLimiter struct {
	PerAccount int           // failures per account per window (default 5)
	PerIP      int           // failures per address per window (default 30)
	Window     time.Duration // default 15 minutes
	Now        func() time.Time

	mu       sync.Mutex
	failures map[string][]time.Time
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

// Allow refuses (429) when the account or the address has failed too often. The message is the
// same whether or not the account exists.
func (l *LoginLimiter) Allow(email, ip string) error {
	if l == nil {
		return nil
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.defaults()
	now := l.Now()
	if len(l.recent("a:"+email, now)) >= l.PerAccount || (ip != "" && len(l.recent("i:"+ip, now)) >= l.PerIP) {
		return graph.RateLimited("too many failed logins; try again in %d minutes", int(l.Window.Minutes()))
	}
	return nil
}

// Failed records a failure.
func (l *LoginLimiter) Failed(email, ip string) {
	if l == nil {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.defaults()
	now := l.Now()
	l.failures["a:"+email] = append(l.recent("a:"+email, now), now)
	if ip != "" {
		l.failures["i:"+ip] = append(l.recent("i:"+ip, now), now)
	}
}

// Succeeded clears the account's failures.
func (l *LoginLimiter) Succeeded(email string) {
	if l == nil {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.failures, "a:"+email)
}
