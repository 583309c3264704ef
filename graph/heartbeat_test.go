package graph

import (
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func TestHeartbeatBeatsUntilStopped(t *testing.T) {
	var n atomic.Int32
	stop := Heartbeat(5*time.Millisecond, func() { n.Add(1) })
	time.Sleep(40 * time.Millisecond)
	stop()
	seen := n.Load()
	if seen < 2 {
		t.Fatalf("%d beats in 40 ms at 5 ms", seen)
	}
	time.Sleep(20 * time.Millisecond)
	if n.Load() > seen+1 {
		t.Fatalf("beats after stop: %d then %d", seen, n.Load())
	}
	if a, b := InstanceName(), InstanceName(); a == b || !strings.Contains(a, "-") {
		t.Errorf("instance names must differ between processes of one host and pid: %q %q", a, b)
	}
}
