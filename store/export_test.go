package store

import (
	"context"

	"github.com/halo-oss/halo/graph/payouts"
)

// SnapshotInBlocks is Snapshot with blocks of n sales, so a test can cross block boundaries
// with a handful.
func (s *Store) SnapshotInBlocks(ctx context.Context, n int) (*payouts.VolumeSnapshot, error) {
	return s.snapshot(ctx, n)
}

// SetEarningsPartForTests makes the analysts' earnings written n at a time while the API is in
// use, so a test crosses the writes' boundaries with a handful.
func (s *Store) SetEarningsPartForTests(n int) { s.earningsPart = n }
