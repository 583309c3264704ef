package graph

import (
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

// InstanceName names this process among the replicas of a deployment (in leases and logs): the
// host, the process id and a random part, since two containers may share a pid.
func InstanceName() string {
	host, _ := os.Hostname()
	return fmt.Sprintf("%s-%d-%s", host, os.Getpid(), NewID("i"))
}
