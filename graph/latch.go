package graph

import "sync"

// Latch is opened once and waited on by any number: a background worker's "my first round is
// done", which halod waits for before it reports ready. The zero value is closed-not-yet.
type Latch struct {
	make, open sync.Once
	c          chan struct{}
}

func (l *Latch) ch() chan struct{} {
	l.make.Do(func() { l.c = make(chan struct{}) })
	return l.c
}

// Done is closed once Open has been called.
func (l *Latch) Done() <-chan struct{} { return l.ch() }

// Open closes Done; later calls do nothing.
func (l *Latch) Open() {
	c := l.ch()
	l.open.Do(func() { close(c) })
}
