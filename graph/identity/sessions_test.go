package identity

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// record is the Neo4j side of sessions, safe for concurrent use, counting its checks.
type record struct {
	mu      sync.Mutex
	revoked map[string]bool
	cutoff  map[string]time.Time
	checks  atomic.Int64
	// afterAnswer runs once, after the next check's answer and before it reaches the caller.
	afterAnswer func()
}

func newRecord() *record { return &record{revoked: map[string]bool{}, cutoff: map[string]time.Time{}} }

func (r *record) Revoke(_ context.Context, id, _ string, _ time.Time) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.revoked[id] = true
	return nil
}

func (r *record) Revoked(_ context.Context, id, account string, issued time.Time) (bool, error) {
	r.checks.Add(1)
	r.mu.Lock()
	revoked := r.revoked[id] || issued.Before(r.cutoff[account])
	after := r.afterAnswer
	r.afterAnswer = nil
	r.mu.Unlock()
	if after != nil {
		after()
	}
	return revoked, nil
}

func (r *record) SetPassword(_ context.Context, account, _ string, after time.Time) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.cutoff[account] = after
	return nil
}

// tagStore is Redis's side, shared by the replicas; down makes every call fail.
type tagStore struct {
	mu    sync.Mutex
	epoch string
	tags  map[string]string
	n     int
	down  atomic.Bool
	reads atomic.Int64
	// touchFails fails only the writes: a revocation that cannot be told to the other replicas.
	touchFails atomic.Bool
}

func newTags() *tagStore { return &tagStore{epoch: "e1", tags: map[string]string{}} }

func (s *tagStore) SessionTag(_ context.Context, account string) (string, string, error) {
	s.reads.Add(1)
	if s.down.Load() {
		return "", "", errors.New("connection refused")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.epoch, s.tags[account], nil
}

func (s *tagStore) TouchSessionTag(_ context.Context, account string) error {
	if s.down.Load() || s.touchFails.Load() {
		return errors.New("connection refused")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.n++
	s.tags[account] = fmt.Sprint("t", s.n)
	return nil
}

// lose is Redis losing its data: the tags go, and the next reader sets a new epoch.
func (s *tagStore) lose() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tags = map[string]string{}
	s.epoch += "'"
}

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// twoReplicas is two halods over the same Neo4j and Redis, and a time to issue tokens at.
func twoReplicas() (rec *record, tags *tagStore, clk *clock, a, b *SessionCheck, issued time.Time) {
	rec, tags, clk = newRecord(), newTags(), &clock{t: time.Date(2026, 12, 4, 12, 0, 0, 0, time.UTC)}
	mk := func() *SessionCheck {
		return &SessionCheck{Sessions: rec, Tags: tags, Recheck: 30 * time.Second, Now: clk.Now}
	}
	return rec, tags, clk, mk(), mk(), clk.Now().Add(-time.Minute)
}

func logout(t *testing.T, c *SessionCheck, clk *clock, token, account string) {
	t.Helper()
	if err := c.Revoke(context.Background(), token, account, clk.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
}

func mustRevoked(t *testing.T, c *SessionCheck, token, account string, issued time.Time, want bool) {
	t.Helper()
	got, err := c.Revoked(context.Background(), token, account, issued)
	if err != nil {
		t.Fatal(err)
	}
	if got != want {
		t.Fatalf("%s of %s revoked = %v, want %v", token, account, got, want)
	}
}

func TestSessionCheckAsksNeo4jOncePerTokenWhileNothingChanges(t *testing.T) {
	rec, _, clk, a, _, issued := twoReplicas()
	for range 50 {
		mustRevoked(t, a, "tok1", "ana", issued, false)
		mustRevoked(t, a, "tok2", "ana", issued, false)
	}
	if n := rec.checks.Load(); n != 2 {
		t.Fatalf("Neo4j asked %d times for 100 checks of two tokens, want 2", n)
	}
	clk.add(31 * time.Second) // past Recheck: asked again, once
	mustRevoked(t, a, "tok1", "ana", issued, false)
	mustRevoked(t, a, "tok1", "ana", issued, false)
	if n := rec.checks.Load(); n != 3 {
		t.Fatalf("after Recheck Neo4j asked %d times in all, want 3", n)
	}
}

func TestSessionCheckLogoutOnOneReplicaIsSeenOnTheOtherAtOnce(t *testing.T) {
	rec, _, clk, a, b, issued := twoReplicas()
	mustRevoked(t, b, "tok1", "ana", issued, false) // b keeps its answer
	mustRevoked(t, b, "tok2", "ana", issued, false)
	mustRevoked(t, b, "tok3", "ben", issued, false)
	logout(t, a, clk, "tok1", "ana")
	mustRevoked(t, b, "tok1", "ana", issued, true)
	mustRevoked(t, a, "tok1", "ana", issued, true)
	mustRevoked(t, b, "tok2", "ana", issued, false) // ana's other session goes on
	before := rec.checks.Load()
	mustRevoked(t, b, "tok3", "ben", issued, false) // another account's answer still holds
	if rec.checks.Load() != before {
		t.Fatal("a logout of ana's made b ask Neo4j about ben's token")
	}
}

func TestSessionCheckPasswordChangeEndsEarlierSessionsEverywhere(t *testing.T) {
	_, _, clk, a, b, _ := twoReplicas()
	old := clk.Now().Add(-time.Minute)
	mustRevoked(t, a, "old", "ana", old, false)
	mustRevoked(t, b, "old", "ana", old, false)
	clk.add(time.Second)
	if err := a.SetPassword(context.Background(), "ana", "hash", clk.Now()); err != nil {
		t.Fatal(err)
	}
	mustRevoked(t, a, "old", "ana", old, true)
	mustRevoked(t, b, "old", "ana", old, true)
	clk.add(time.Second)
	mustRevoked(t, b, "new", "ana", clk.Now(), false)
}

func TestSessionCheckWithoutRedisAsksNeo4jEveryTime(t *testing.T) {
	rec, tags, clk, a, b, issued := twoReplicas()
	mustRevoked(t, b, "tok1", "ana", issued, false)
	tags.down.Store(true)
	// The logout cannot reach Redis: recorded all the same, refused here at once.
	logout(t, a, clk, "tok1", "ana")
	mustRevoked(t, a, "tok1", "ana", issued, true)
	before := rec.checks.Load()
	for range 5 {
		mustRevoked(t, b, "tok1", "ana", issued, true) // b cannot read the tags either: Neo4j
		mustRevoked(t, b, "tok2", "ana", issued, false)
	}
	if n := rec.checks.Load() - before; n != 10 {
		t.Fatalf("with Redis down Neo4j answered %d of 10 checks", n)
	}
	// After one failure the tags rest: no connection attempt per request.
	reads := tags.reads.Load()
	mustRevoked(t, b, "tok2", "ana", issued, false)
	if tags.reads.Load() != reads {
		t.Fatal("the tags were read again within a second of failing")
	}
	clk.add(2 * time.Second)
	tags.down.Store(false)
	mustRevoked(t, b, "tok2", "ana", issued, false)
	if tags.reads.Load() == reads {
		t.Fatal("the tags were not read again after their rest")
	}
}

// A logout whose tag cannot be written: the other replica's kept answer ends within Recheck.
func TestSessionCheckUntoldLogoutEndsWithinRecheck(t *testing.T) {
	_, tags, clk, a, b, issued := twoReplicas()
	mustRevoked(t, b, "tok1", "ana", issued, false)
	tags.down.Store(true)
	logout(t, a, clk, "tok1", "ana")
	tags.down.Store(false)
	clk.add(2 * time.Second)
	mustRevoked(t, b, "tok1", "ana", issued, false) // the bound this design accepts
	clk.add(30 * time.Second)
	mustRevoked(t, b, "tok1", "ana", issued, true)
}

// Redis losing its data (a new server, a failover that lost writes) changes the epoch: no
// answer kept before holds.
func TestSessionCheckNewEpochAsksAgain(t *testing.T) {
	rec, tags, _, _, b, issued := twoReplicas()
	mustRevoked(t, b, "tok1", "ana", issued, false)
	_ = rec.Revoke(context.Background(), "tok1", "ana", time.Time{}) // recorded, its tag lost
	tags.lose()
	mustRevoked(t, b, "tok1", "ana", issued, true)
}

func TestSessionCheckKeepsAtMostMax(t *testing.T) {
	rec, tags, clk, _, _, issued := twoReplicas()
	c := &SessionCheck{Sessions: rec, Tags: tags, Max: 10, Now: clk.Now}
	for i := range 25 {
		mustRevoked(t, c, fmt.Sprint("tok", i), "ana", issued, false)
	}
	if len(c.kept) != 10 {
		t.Fatalf("kept %d answers, want at most 10", len(c.kept))
	}
	clk.add(time.Minute) // all past Recheck: room is made by dropping them
	mustRevoked(t, c, "late", "ana", issued, false)
	if len(c.kept) != 1 {
		t.Fatalf("kept %d answers after the old ones expired, want 1", len(c.kept))
	}
}

// Checks racing a logout on both replicas: once Revoke has returned, no check that begins
// afterwards accepts the token, however many run at once (go test -race). When the tag cannot
// be written (untold), that holds on the replica that took the logout.
func TestSessionCheckNoCheckAfterALogoutAccepts(t *testing.T) {
	t.Run("told", func(t *testing.T) { noCheckAfterALogoutAccepts(t, false) })
	t.Run("untold", func(t *testing.T) { noCheckAfterALogoutAccepts(t, true) })
}

func noCheckAfterALogoutAccepts(t *testing.T, untold bool) {
	for round := range 20 {
		_, tags, clk, a, b, issued := twoReplicas()
		tags.touchFails.Store(untold)
		var revoked atomic.Bool
		var wg sync.WaitGroup
		errs := make(chan error, 16)
		for w := range 16 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				c := b
				if w%4 == 0 || untold {
					c = a
				}
				for range 200 {
					after := revoked.Load()
					got, err := c.Revoked(context.Background(), "tok1", "ana", issued)
					if err != nil {
						errs <- err
						return
					}
					if after && !got {
						errs <- fmt.Errorf("round %d: a check begun after the logout accepted the token", round)
						return
					}
				}
			}()
		}
		logout(t, a, clk, "tok1", "ana")
		revoked.Store(true)
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
	}
}

// A logout recorded while a check on the same replica was waiting for Neo4j's answer, its tag
// not written: that answer predates the logout and is not kept.
func TestSessionCheckKeepsNoAnswerOlderThanALogoutHere(t *testing.T) {
	rec, tags, clk, a, _, issued := twoReplicas()
	tags.touchFails.Store(true)
	rec.afterAnswer = func() { logout(t, a, clk, "tok1", "ana") }
	mustRevoked(t, a, "tok1", "ana", issued, false) // began before the logout
	mustRevoked(t, a, "tok1", "ana", issued, true)
}
