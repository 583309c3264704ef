package store

import (
	"context"
	"errors"
	"testing"
	"time"
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
