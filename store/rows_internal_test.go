package store

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// A stream reads under a context without a deadline (the driver races every socket read of a
// deadline-bound one), yet stops when the caller's context ends, deadline included.
func TestWithoutDeadlineKeepsCancellation(t *testing.T) {
	parent, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	ctx, done := withoutDeadline(parent)
	defer done()
	if _, ok := ctx.Deadline(); ok {
		t.Fatal("the stream's context must not carry a deadline")
	}
	select {
	case <-ctx.Done():
	case <-time.After(5 * time.Second):
		t.Fatal("the parent's deadline passed and the stream's context was not cancelled")
	}
	if !errors.Is(context.Cause(ctx), context.DeadlineExceeded) {
		t.Errorf("cause %v, want the parent's", context.Cause(ctx))
	}

	plain, stop := context.WithCancel(context.Background())
	same, done2 := withoutDeadline(plain)
	if same != plain {
		t.Error("a context without a deadline is used as it is")
	}
	done2()
	stop()

	parent2, cancel2 := context.WithTimeout(context.Background(), time.Hour)
	ctx2, done3 := withoutDeadline(parent2)
	done3()
	if ctx2.Err() == nil {
		t.Error("releasing the stream's context cancels it")
	}
	if parent2.Err() != nil {
		t.Error("releasing the stream's context leaves the caller's alone")
	}
	cancel2()
}

// A time read as epoch seconds and nanoseconds is the same instant, in UTC, to the nanosecond;
// a null one is the zero time, as a null datetime reads.
func TestUnixAtReadsTheInstant(t *testing.T) {
	at := time.Date(2026, 1, 5, 13, 4, 5, 123456789, time.FixedZone("", 2*3600))
	r := &neo4j.Record{Keys: []string{"at_s", "at_ns", "none_s", "none_ns"}, Values: []any{at.Unix(), int64(at.Nanosecond()), nil, nil}}
	got := unixAt(r, "at_s", "at_ns")
	if !got.Equal(at) || got.Location() != time.UTC || got.Nanosecond() != 123456789 {
		t.Fatalf("read %v, want %v in UTC", got, at)
	}
	if z := unixAt(r, "none_s", "none_ns"); !z.IsZero() {
		t.Fatalf("a null time read %v, want the zero time", z)
	}
}
