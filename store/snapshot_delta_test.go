package store_test

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/halo-oss/halo/graph/payouts"
	"github.com/halo-oss/halo/graph/sales"
	"github.com/halo-oss/halo/internal/testenv"
	"github.com/halo-oss/halo/store"
)

// Issue #19: the projection's read of what was accepted since its last look is bounded by the
// store's clock when the read begins. Open above, it chased the sales committed while it was
// read and, under full ingest, took 18–83 s; what is accepted from the clock on is the next
// read's, so nothing falls between two reads.
func TestSnapshotDeltaReadsUpToItsClock(t *testing.T) {
	s := testenv.Store(t)
	ctx := context.Background()
	q := `CREATE (:Member {id: 'm-before', plan: 'consultant', created_at: datetime() - duration('PT5S'), registered_at: datetime() - duration('PT5S')})
CREATE (:Member {id: 'm-after', plan: 'consultant', created_at: datetime() + duration('PT1H'), registered_at: datetime()})
CREATE (b:Sale {id: 'act:before', kind: 'activation', member_id: 'm-before', accepted_at: datetime() - duration('PT5S'), occurred_at: datetime() - duration('PT5S')})
CREATE (a:Sale {id: 'act:after', kind: 'activation', member_id: 'm-before', accepted_at: datetime() + duration('PT1H'), occurred_at: datetime()})
CREATE (:Cancellation {id: 'c-before', accepted_at: datetime() - duration('PT5S'), occurred_at: datetime()})-[:CANCELS]->(b)
CREATE (:Cancellation {id: 'c-after', accepted_at: datetime() + duration('PT1H'), occurred_at: datetime()})-[:CANCELS]->(a)`
	since, clock := written(t, s, q)
	d, err := s.SnapshotDelta(ctx, "", payouts.Delta{Since: since, Until: clock}, since.AddDate(0, -1, 0), nil)
	if err != nil {
		t.Fatal(err)
	}
	ids := func(n int, id func(int) string) []string {
		out := make([]string, n)
		for i := range out {
			out[i] = id(i)
		}
		return out
	}
	members := ids(len(d.Members), func(i int) string { return d.Members[i].ID })
	sales := ids(len(d.Sales), func(i int) string { return d.Sales[i].ID })
	cancels := ids(len(d.Cancellations), func(i int) string { return d.Cancellations[i].ID })
	if len(members) != 1 || members[0] != "m-before" || len(sales) != 1 || sales[0] != "act:before" || len(cancels) != 1 || cancels[0] != "c-before" {
		t.Fatalf("read members %v, sales %v, cancellations %v: want only what was accepted before the clock", members, sales, cancels)
	}
	// The next read, from the clock on, sees what this one left out.
	next, err := s.Clock(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// The projection hands the last delta back to be filled again: it starts empty.
	later, err := s.SnapshotDelta(ctx, "", payouts.Delta{Since: clock, Until: next}, since.AddDate(0, -1, 0), d)
	if err != nil {
		t.Fatal(err)
	}
	if len(later.Members) != 0 || len(later.Sales) != 0 || len(later.Cancellations) != 0 {
		t.Fatalf("the clock has not reached the later rows yet, read %d members, %d sales, %d cancellations", len(later.Members), len(later.Sales), len(later.Cancellations))
	}
}

// written runs q, then gives a time a minute back and the store's clock after it.
func written(t *testing.T, s *store.Store, q string) (since, clock time.Time) {
	t.Helper()
	ctx := context.Background()
	if err := s.ExecForTests(ctx, q); err != nil {
		t.Fatal(err)
	}
	since = time.Now().Add(-time.Minute)
	clock, err := s.Clock(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return since, clock
}

// Issue #19: a read that overlaps the last one (it begins at the oldest write still open) is
// told the sales it returned, and leaves those out; a sale committed since in the overlap, by a
// write that was open then, is still read.
func TestSnapshotDeltaLeavesOutTheSalesItKnows(t *testing.T) {
	s := testenv.Store(t)
	ctx := context.Background()
	q := `CREATE (:Member {id: 'm-1', plan: 'consultant', created_at: datetime() - duration('P1D'), registered_at: datetime() - duration('P1D')})
WITH datetime() - duration('PT5S') AS at
UNWIND range(1, 6) AS i
CREATE (:Sale {id: 'act:' + i, kind: 'activation', member_id: 'm-1', accepted_at: at + duration({milliseconds: i}), occurred_at: at})`
	since, clock := written(t, s, q)
	window := since.AddDate(0, -1, 0)
	first, err := s.SnapshotDelta(ctx, "", payouts.Delta{Since: since, Until: clock}, window, nil)
	if err != nil || len(first.Sales) != 6 {
		t.Fatalf("the first read: %d sales (%v), want 6", len(first.Sales), err)
	}
	var known []int64
	for _, sl := range first.Sales {
		if sl.Ref <= 0 {
			t.Fatalf("sale %s read without its reference", sl.ID)
		}
		if sl.ID != "act:2" && sl.ID != "act:5" { // as if these two committed after the first read
			known = append(known, sl.Ref)
		}
	}
	// A reference that is no sale's changes nothing.
	known = append(known, 1<<40)
	next, err := s.Clock(ctx)
	if err != nil {
		t.Fatal(err)
	}
	d, err := s.SnapshotDelta(ctx, "", payouts.Delta{Since: since, Until: next, Known: known}, window, nil)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, sl := range d.Sales {
		got = append(got, sl.ID)
	}
	slices.Sort(got)
	if !slices.Equal(got, []string{"act:2", "act:5"}) {
		t.Fatalf("the overlapping read returned %v, want only the two sales it was not told of", got)
	}
}

// Issue #19: a write that accepts (here a vendor's batch signing up a customer) stamps what it
// accepts with its transaction's start and, until it commits, Neo4j lists it with that start:
// so the projection's next read begins no later than the oldest stamp still to commit, however
// long that write stays open, instead of re-reading a fixed ten seconds each time.
func TestAnOpenAcceptingWriteBoundsTheNextRead(t *testing.T) {
	s := testenv.Store(t)
	ctx := context.Background()
	if err := s.ExecForTests(ctx, `CREATE (:Member:Consultant {id: 'sp', plan: 'consultant', sdepth: 1, registered_at: datetime() - duration('P1D'), created_at: datetime() - duration('P1D')})`); err != nil {
		t.Fatal(err)
	}
	if _, open, err := s.OldestOpenAccept(ctx); err != nil || open {
		t.Fatalf("nothing written yet: open %v, %v", open, err)
	}
	before, err := s.Clock(ctx)
	if err != nil {
		t.Fatal(err)
	}
	written, release, done := make(chan struct{}), make(chan struct{}), make(chan error, 1)
	commit := sync.OnceFunc(func() { close(release) })
	defer commit() // a failed check must not leave the batch open for the tests after it
	go func() {
		done <- s.InVendorTx(ctx, "solar", true, func(tx sales.IngestTx) error {
			err := tx.Write(ctx, sales.IngestWrite{VendorID: "solar", ReceivedAt: before,
				Customers: []sales.NewCustomer{{ID: "cust-open", Name: "Open Write", Email: "open@example.com", SponsorID: "sp", RegisteredAt: before, SDepth: 2, EventID: "e-1"}}})
			close(written)
			<-release
			return err
		})
	}()
	<-written
	time.Sleep(1100 * time.Millisecond) // open for longer than a second, past the next clock's margin
	clock, err := s.Clock(ctx)
	if err != nil {
		t.Fatal(err)
	}
	oldest, open, err := s.OldestOpenAccept(ctx)
	if err != nil || !open {
		t.Fatalf("a batch still open is not listed: open %v, %v", open, err)
	}
	if oldest.Before(before) || !oldest.Before(clock.Add(-time.Second)) {
		t.Fatalf("the open batch began at %s, not between %s and a second before %s", oldest, before, clock)
	}
	// A read up to this clock does not see the customer yet; one from the open write's start on,
	// after it commits, does, though its stamp is now well before that clock.
	d, err := s.SnapshotDelta(ctx, "", payouts.Delta{Since: clock.Add(-time.Second), Until: clock}, clock.AddDate(0, -1, 0), nil)
	if err != nil || len(d.Members) != 0 {
		t.Fatalf("read %d members before the batch committed (%v)", len(d.Members), err)
	}
	commit()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if _, open, err := s.OldestOpenAccept(ctx); err != nil || open {
		t.Fatalf("committed, still listed as open: %v, %v", open, err)
	}
	next, err := s.Clock(ctx)
	if err != nil {
		t.Fatal(err)
	}
	d, err = s.SnapshotDelta(ctx, "", payouts.Delta{Since: oldest, Until: next}, clock.AddDate(0, -1, 0), nil)
	if err != nil || len(d.Members) != 1 || d.Members[0].ID != "cust-open" {
		t.Fatalf("the read from the open write's start found %v (%v), want cust-open", d.Members, err)
	}
	var stamped time.Time
	res, err := s.QueryForTests(ctx, `MATCH (m:Member {id: 'cust-open'}) RETURN m.created_at AS at`, nil)
	if err != nil || len(res) != 1 {
		t.Fatalf("%v %v", res, err)
	}
	stamped = res[0]["at"].(time.Time)
	if !stamped.Equal(oldest) {
		t.Fatalf("the customer is stamped %s, the transaction began %s: a read from its start must find it", stamped, oldest)
	}
}
