package graph

import (
	"sync"
	"testing"
	"time"
)

func TestLatchOpensOnceForEveryWaiter(t *testing.T) {
	var l Latch
	select {
	case <-l.Done():
		t.Fatal("a new latch is open")
	default:
	}
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(2)
		go func() { defer wg.Done(); <-l.Done() }()
		go func() { defer wg.Done(); l.Open() }() // opened by many at once: no double close
	}
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("waiters were not released")
	}
	l.Open()
	<-l.Done()
}
