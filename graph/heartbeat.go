package graph

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"time"
)

// Heartbeat calls beat every interval until the returned stop is called: long work (an import, a
// commit) shows it is alive, so other replicas can tell it from work whose process died.
func Heartbeat(every time.Duration, beat func()) (stop func()) {
	done := make(chan struct{})
	go func() {
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				beat()
			}
		}
	}()
	return func() { close(done) }
}

// KeepLease renews a lease every ttl/3 beside the work it guards until ctx ends, then releases
// it: work that outlasts the TTL (a rebuild, a projection of a million consultants) does not
// lose the lease halfway, and a replica that stops hands over at once. The channel closes once
// the lease is released: a process that stops waits for it before closing its Redis client,
// or its successor waits for the TTL instead.
//
// renew returns the lease's token while this process holds it (0 while another does). What
// costs a holder its lease is said in the log, named by what: a failed renewal, one that came
// later than the TTL after the last (the lease may have lapsed), and a token that changed under
// the holder (it lapsed and was taken again: the work under the old token is refused and done
// again). A stall long enough to lose a lease was seen once in eight start-ups at 1M (issue #19).
func KeepLease(ctx context.Context, log *slog.Logger, what string, ttl time.Duration, renew func(context.Context) (int64, error), release func(context.Context)) <-chan struct{} {
	if log == nil {
		log = slog.Default()
	}
	released := make(chan struct{})
	go func() {
		defer close(released)
		t := time.NewTicker(ttl / 3)
		defer t.Stop()
		w := leaseWatch{log: log, what: what, ttl: ttl, last: time.Now()}
		for {
			select {
			case <-ctx.Done():
				rctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
				release(rctx)
				cancel()
				return
			case <-t.C:
				began := time.Now()
				rctx, cancel := context.WithTimeout(ctx, ttl/3)
				token, err := renew(rctx)
				cancel()
				if ctx.Err() == nil {
					w.renewed(began, time.Now(), token, err)
				}
			}
		}
	}()
	return released
}

// leaseWatch is KeepLease's account of one holder's renewals.
type leaseWatch struct {
	log   *slog.Logger
	what  string
	ttl   time.Duration
	last  time.Time // the last renewal that answered
	token int64     // the token held after it, 0 while another process holds the lease
}

func (w *leaseWatch) renewed(began, done time.Time, token int64, err error) {
	if err != nil {
		w.log.Warn("lease renewal failed; retried", "lease", w.what, "error", err, "took", done.Sub(began).Round(time.Millisecond),
			"since_last_renewal", done.Sub(w.last).Round(time.Millisecond), "ttl", w.ttl)
		return
	}
	if gap := began.Sub(w.last); gap > w.ttl && w.token != 0 {
		w.log.Warn("lease renewed later than its TTL: it may have lapsed meanwhile", "lease", w.what, "gap", gap.Round(time.Millisecond), "ttl", w.ttl)
	}
	if w.token != 0 && token != 0 && token != w.token {
		w.log.Warn("lease lapsed and was taken again: the work begun under the old token is refused and done again",
			"lease", w.what, "old_token", w.token, "token", token)
	}
	w.last, w.token = done, token
}

// InstanceName names this process among the replicas of a deployment (in leases and logs): the
// host, the process id and a random part, since two containers may share a pid.
func InstanceName() string {
	host, _ := os.Hostname()
	return fmt.Sprintf("%s-%d-%s", host, os.Getpid(), NewID("i"))
}
