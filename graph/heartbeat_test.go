package graph

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
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

// A holder hears what may cost it its lease: a failed renewal, a renewal later than the TTL,
// and a token that changed under it. A standby's renewals (token 0) and a holder renewing on
// time say nothing.
func TestKeepLeaseSaysWhatMayCostTheLease(t *testing.T) {
	var buf bytes.Buffer
	w := leaseWatch{log: slog.New(slog.NewTextHandler(&buf, nil)), what: "live counters", ttl: 9 * time.Second, last: time.Unix(0, 0)}
	at := func(s int) time.Time { return time.Unix(int64(s), 0) }
	steps := []struct {
		at    int
		token int64
		err   error
		says  string
	}{
		{at: 20, token: 0, says: ""}, // a standby, however long since it started
		{at: 23, token: 1, says: ""}, // takes the lease
		{at: 26, token: 1, says: ""}, // on time
		{at: 29, err: errors.New("i/o timeout"), says: "lease renewal failed; retried"},
		{at: 40, token: 1, says: "lease renewed later than its TTL"}, // 14 s after the last answer
		{at: 43, token: 2, says: "lease lapsed and was taken again"},
		{at: 46, token: 2, says: ""},
	}
	for _, s := range steps {
		buf.Reset()
		w.renewed(at(s.at), at(s.at), s.token, s.err)
		got := buf.String()
		if s.says == "" && got != "" || s.says != "" && !strings.Contains(got, s.says) {
			t.Errorf("at %d s (token %d, error %v): logged %q, want %q", s.at, s.token, s.err, got, s.says)
		}
		if s.says != "" && !strings.Contains(got, "lease=\"live counters\"") {
			t.Errorf("at %d s: the lease is not named: %q", s.at, got)
		}
	}
}

// KeepLease renews until its context ends, then releases once.
func TestKeepLeaseRenewsThenReleases(t *testing.T) {
	var renewals, releases atomic.Int32
	ctx, cancel := context.WithCancel(context.Background())
	done := KeepLease(ctx, slog.New(slog.NewTextHandler(io.Discard, nil)), "test", 15*time.Millisecond,
		func(context.Context) (int64, error) { renewals.Add(1); return 7, nil },
		func(context.Context) { releases.Add(1) })
	time.Sleep(60 * time.Millisecond)
	cancel()
	<-done
	if renewals.Load() < 2 || releases.Load() != 1 {
		t.Fatalf("%d renewals, %d releases", renewals.Load(), releases.Load())
	}
}
