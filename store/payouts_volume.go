package store

import (
	"context"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/halo-oss/halo/cypher"
	"github.com/halo-oss/halo/graph/payouts"
)

var (
	qClock            = cypher.MustQuery("payouts/clock")
	qPlacementAll     = cypher.MustQuery("payouts/placement_all")
	qPlacementParents = cypher.MustQuery("payouts/placement_parents")
	qVolumeChanges    = cypher.MustQuery("payouts/volume_changes")
	qTerminated       = cypher.MustQuery("payouts/terminated")
)

var epoch = time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC)

// changes reads the clock and the changes in one read transaction.
func (s *Store) changes(ctx context.Context, since time.Time) ([]payouts.VolumeChange, time.Time, error) {
	sess := s.session(ctx, false)
	defer sess.Close(ctx)
	var now time.Time
	var out []payouts.VolumeChange
	_, err := sess.ExecuteRead(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
		out = out[:0]
		rec, err := txOne(ctx, tx, qClock, nil)
		if err != nil {
			return nil, err
		}
		now = get[time.Time](rec, "now").UTC()
		res, err := tx.Run(ctx, qVolumeChanges, map[string]any{"since": ts(since)})
		if err != nil {
			return nil, err
		}
		// A rebuild's read gives way to the API (graph.GiveWay); the rollup's are not paced.
		return nil, eachRow(ctx, res, func(r *neo4j.Record) {
			out = append(out, payouts.VolumeChange{ID: get[string](r, "id"), Member: get[string](r, "member"), BV: get[int64](r, "bv"), AcceptedAt: get[time.Time](r, "at").UTC(),
				ViaSponsor: get[bool](r, "via_sponsor")})
		})
	})
	return out, now, s.mapErr(err)
}

// ChangesSince implements payouts.VolumeFeed.
func (s *Store) ChangesSince(ctx context.Context, since time.Time) ([]payouts.VolumeChange, time.Time, error) {
	return s.changes(ctx, since)
}

// Snapshot implements payouts.VolumeFeed.
func (s *Store) Snapshot(ctx context.Context) (*payouts.VolumeSnapshot, error) {
	ch, now, err := s.changes(ctx, epoch)
	if err != nil {
		return nil, err
	}
	return &payouts.VolumeSnapshot{At: now, Changes: ch}, nil
}

func linkOf(r *neo4j.Record) payouts.ParentLink {
	return payouts.ParentLink{Parent: get[string](r, "parent"), Left: get[string](r, "leg") == "left", Depth: get[int64](r, "depth")}
}

// Parents implements payouts.VolumeFeed.
func (s *Store) Parents(ctx context.Context, ids []string) (map[string]payouts.ParentLink, error) {
	out := map[string]payouts.ParentLink{}
	err := chunks(ids, 500, func(c []string) error {
		res, err := s.read(ctx, qPlacementParents, map[string]any{"ids": c})
		if err != nil {
			return err
		}
		for _, r := range res.Records {
			out[get[string](r, "id")] = linkOf(r)
		}
		return nil
	})
	return out, err
}

// AllParents implements payouts.VolumeFeed, streaming.
func (s *Store) AllParents(ctx context.Context, fn func(string, payouts.ParentLink)) error {
	sess := s.session(ctx, false)
	defer sess.Close(ctx)
	_, err := sess.ExecuteRead(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
		res, err := tx.Run(ctx, qPlacementAll, nil)
		if err != nil {
			return nil, err
		}
		return nil, eachRow(ctx, res, func(r *neo4j.Record) { fn(get[string](r, "id"), linkOf(r)) })
	})
	return s.mapErr(err)
}

// Terminated implements payouts.VolumeFeed.
func (s *Store) Terminated(ctx context.Context) (map[string]string, error) {
	res, err := s.read(ctx, qTerminated, nil)
	if err != nil {
		return nil, err
	}
	out := make(map[string]string, len(res.Records))
	for _, r := range res.Records {
		out[get[string](r, "id")] = get[string](r, "sponsor")
	}
	return out, nil
}
