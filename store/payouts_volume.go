package store

import (
	"context"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/halo-oss/halo/cypher"
	"github.com/halo-oss/halo/graph"
	"github.com/halo-oss/halo/graph/payouts"
)

var (
	qClock            = cypher.MustQuery("payouts/clock")
	qPlacementAll     = cypher.MustQuery("payouts/placement_all")
	qPlacementParents = cypher.MustQuery("payouts/placement_parents")
	qVolumeChanges    = cypher.MustQuery("payouts/volume_changes")
	qTerminated       = cypher.MustQuery("payouts/terminated")
	qVolumeBlock      = cypher.MustQuery("payouts/volume_block")
	qVolumeCancels    = cypher.MustQuery("payouts/volume_cancellations")
)

// volumeBlock is how many sales one block of a rebuild's scan walks (about 20 ms of Neo4j).
const volumeBlock = 4096

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
		return nil, eachRow(ctx, res, func(r *neo4j.Record) { out = append(out, volumeChangeRow(r)) })
	})
	return out, now, s.mapErr(err)
}

// ChangesSince implements payouts.VolumeFeed.
func (s *Store) ChangesSince(ctx context.Context, since time.Time) ([]payouts.VolumeChange, time.Time, error) {
	return s.changes(ctx, since)
}

// Snapshot implements payouts.VolumeFeed: every open change, for a rebuild. The sales are
// walked in blocks of volumeBlock in acceptance order, and a rebuild's blocks give way to the
// API (graph.GiveWay). One query over all of them found no open row to pace on after a
// commit, which accounts nearly every sale, and held a core of Neo4j for 2–10 s at 200,000
// consultants while the dashboards queued behind it (issue #19). Blocks are separate reads:
// a change accepted after the clock was read is counted here and marked counted for the rollup
// (LiveCounters.rebuild), and a commit between two blocks asks for another rebuild.
func (s *Store) Snapshot(ctx context.Context) (*payouts.VolumeSnapshot, error) {
	return s.snapshot(ctx, volumeBlock)
}

func (s *Store) snapshot(ctx context.Context, block int) (*payouts.VolumeSnapshot, error) {
	now, err := s.Clock(ctx)
	if err != nil {
		return nil, err
	}
	var out []payouts.VolumeChange
	pacer := graph.NewPacer(ctx)
	defer pacer.Done()
	// Sales accepted in one transaction share its start; a block ending inside such a group is
	// read again from that instant, and what was taken from it is skipped.
	from, limit := epoch, block
	taken := map[string]bool{} // open changes accepted at `from`, which the next block reads again
	for {
		res, err := s.read(ctx, qVolumeBlock, map[string]any{"from": ts(from), "limit": limit})
		if err != nil {
			return nil, err
		}
		if len(res.Records) == 0 {
			break // no sale from `from` on
		}
		r := res.Records[0]
		n, last := get[int64](r, "n"), get[time.Time](r, "last").UTC()
		atLast := map[string]bool{}
		for _, x := range get[[]any](r, "rows") {
			c := volumeChangeOf(x.(map[string]any))
			if c.AcceptedAt.Equal(from) && taken[c.ID] {
				continue
			}
			if c.AcceptedAt.Equal(last) {
				atLast[c.ID] = true
			}
			out = append(out, c)
		}
		if n < int64(limit) {
			break // the last block
		}
		if last.Equal(from) {
			// One transaction's sales fill the block: read that instant again, more at once.
			limit *= 2
			for id := range atLast {
				taken[id] = true
			}
		} else {
			from, limit, taken = last, block, atLast
		}
		if err := pacer.Step(ctx); err != nil {
			return nil, err
		}
	}
	res, err := s.read(ctx, qVolumeCancels, nil)
	if err != nil {
		return nil, err
	}
	for _, r := range res.Records {
		out = append(out, volumeChangeRow(r))
	}
	return &payouts.VolumeSnapshot{At: now, Changes: out}, nil
}

// volumeChangeRow reads a change from a row of volume_changes or volume_cancellations (the
// acceptance time as epoch seconds and nanoseconds).
func volumeChangeRow(r *neo4j.Record) payouts.VolumeChange {
	return payouts.VolumeChange{ID: get[string](r, "id"), Member: get[string](r, "member"), BV: get[int64](r, "bv"),
		AcceptedAt: unixAt(r, "at_s", "at_ns"), ViaSponsor: get[bool](r, "via_sponsor")}
}

// volumeChangeOf reads a change from one of volume_block's rows (a map with the same keys).
func volumeChangeOf(m map[string]any) payouts.VolumeChange {
	bv, _ := m["bv"].(int64)
	at, _ := m["at"].(time.Time)
	via, _ := m["via_sponsor"].(bool)
	id, _ := m["id"].(string)
	member, _ := m["member"].(string)
	return payouts.VolumeChange{ID: id, Member: member, BV: bv, AcceptedAt: at.UTC(), ViaSponsor: via}
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
	var ids strs // the counters' placement index keeps every consultant's id (strs)
	_, err := sess.ExecuteRead(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
		res, err := tx.Run(ctx, qPlacementAll, nil)
		if err != nil {
			return nil, err
		}
		return nil, eachRow(ctx, res, func(r *neo4j.Record) {
			l := linkOf(r)
			l.Parent = ids.keep(l.Parent)
			fn(ids.keep(get[string](r, "id")), l)
		})
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
