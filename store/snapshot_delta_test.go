package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/halo-oss/halo/internal/testenv"
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
	if err := s.ExecForTests(ctx, q); err != nil {
		t.Fatal(err)
	}
	since := time.Now().Add(-time.Minute)
	d, clock, err := s.SnapshotDelta(ctx, "", since, since.AddDate(0, -1, 0))
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
	later, _, err := s.SnapshotDelta(ctx, "", clock, since.AddDate(0, -1, 0))
	if err != nil {
		t.Fatal(err)
	}
	if len(later.Sales) != 0 {
		t.Fatalf("the clock has not reached the later sale yet, read %d", len(later.Sales))
	}
}
