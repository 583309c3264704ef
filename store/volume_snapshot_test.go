package store_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/halo-oss/halo/graph/payouts"
	"github.com/halo-oss/halo/internal/testenv"
)

// Issue #19: a live-counter rebuild walks the sales in blocks, so that it can give way to the
// dashboards between them; it must read exactly the open changes the one-query read finds,
// whatever the block size, with sales accepted in one transaction (one instant) straddling
// blocks and filling whole blocks.
func TestRebuildBlocksReadWhatOneQueryReads(t *testing.T) {
	s := testenv.Store(t)
	ctx := context.Background()
	q := `WITH datetime() - duration('PT1H') AS t0
UNWIND range(1, 5) AS i
CREATE (:Sale {id: 'a' + i, kind: 'activation', member_id: 'c' + i, attributed_to: 's' + (i % 2), bv_cents: 100 * i,
  accepted_at: t0, occurred_at: t0,
  accounted_by: CASE WHEN i = 2 THEN 'run-1' END, voided_by: CASE WHEN i = 4 THEN 'refund-x' END})
WITH DISTINCT t0
CREATE (:Sale {id: 'b1', kind: 'pack', member_id: 's1', bv_cents: 1000, accepted_at: t0 + duration('PT1S'), occurred_at: t0})
WITH t0
UNWIND range(1, 7) AS i
CREATE (:Sale {id: 'c' + i, kind: 'activation', member_id: 'k' + i, attributed_to: 's2', bv_cents: 10 * i,
  accepted_at: t0 + duration('PT2S'), occurred_at: t0})
WITH DISTINCT t0
CREATE (:Sale {id: 'd-pending', kind: 'pack', member_id: 's3', bv_cents: 500, pending: true, accepted_at: t0 + duration('PT3S'), occurred_at: t0})
CREATE (r:Sale {id: 'd-refunded', kind: 'pack', member_id: 's4', bv_cents: 700, accepted_at: t0 + duration('PT3S'), occurred_at: t0})
CREATE (:Refund {id: 'rf1'})-[:REFUNDS]->(r)
WITH t0
MATCH (open:Sale {id: 'c3'}), (paid:Sale {id: 'a2'})
CREATE (:Cancellation {id: 'x-open', accepted_at: t0 + duration('PT4S'), occurred_at: t0})-[:CANCELS]->(open)
CREATE (:Cancellation {id: 'x-paid', accepted_at: t0 + duration('PT4S'), occurred_at: t0})-[:CANCELS]->(paid)`
	if err := s.ExecForTests(ctx, q); err != nil {
		t.Fatal(err)
	}
	key := func(cs []payouts.VolumeChange) []string {
		out := make([]string, len(cs))
		for i, c := range cs {
			out[i] = fmt.Sprintf("%s|%s|%d|%s|%v", c.ID, c.Member, c.BV, c.AcceptedAt.Format("15:04:05.000000"), c.ViaSponsor)
		}
		slices.Sort(out)
		return out
	}
	one, _, err := s.ChangesSince(ctx, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	want := key(one)
	// a1 a3 a5 (a2 accounted, a4 void), b1, c1…c7, x-open; not the pending or refunded packs,
	// nor the cancellation of an accounted sale.
	if len(want) != 12 {
		t.Fatalf("the one-query read found %d open changes, want 12: %v", len(want), want)
	}
	for _, n := range []int{1, 2, 3, 4, 6, 4096} {
		snap, err := s.SnapshotInBlocks(ctx, n)
		if err != nil {
			t.Fatal(err)
		}
		if got := key(snap.Changes); !slices.Equal(got, want) {
			t.Errorf("blocks of %d read %v\nwant %v", n, got, want)
		}
		if snap.At.IsZero() {
			t.Errorf("blocks of %d: no clock", n)
		}
	}
}
