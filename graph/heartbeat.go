package graph

import (
	"context"
	"fmt"
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
func KeepLease(ctx context.Context, ttl time.Duration, renew, release func(context.Context)) <-chan struct{} {
	released := make(chan struct{})
	go func() {
		defer close(released)
		t := time.NewTicker(ttl / 3)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				rctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
				release(rctx)
				cancel()
				return
			case <-t.C:
				renew(ctx)
			}
		}
	}()
	return released
}

// InstanceName names this process among the replicas of a deployment (in leases and logs): the
// host, the process id and a random part, since two containers may share a pid.
func InstanceName() string {
	host, _ := os.Hostname()
	return fmt.Sprintf("%s-%d-%s", host, os.Getpid(), NewID("i"))
}
