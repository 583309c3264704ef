package store

import (
	"context"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/halo-oss/halo/cypher"
	"github.com/halo-oss/halo/graph"
	"github.com/halo-oss/halo/graph/genealogy"
)

var (
	qStatusHistory = cypher.MustQuery("genealogy/status_history")
	qStatusRecord  = cypher.MustQuery("genealogy/status_record")
)

// StatusHistory implements genealogy.StatusStore.
func (s *Store) StatusHistory(ctx context.Context, id string) (*genealogy.StatusHistory, error) {
	rec, err := readOne(ctx, s, qStatusHistory, map[string]any{"id": id}, graph.NotFound("member %s not found", id))
	if err != nil {
		return nil, err
	}
	h := &genealogy.StatusHistory{Member: memberOf(rec), Changes: statusChanges(rec, id)}
	if u, ok := rec.Get("last_upgrade"); ok && u != nil {
		t := u.(time.Time).UTC()
		h.LastUpgrade = &t
	}
	return h, nil
}

// statusChanges reads the changes of a genealogy/status_history row, in recording order.
func statusChanges(rec *neo4j.Record, id string) []genealogy.StatusChange {
	var out []genealogy.StatusChange
	for _, x := range get[[]any](rec, "changes") {
		c := props(x.(map[string]any))
		at, _ := c["at"].(time.Time)
		recAt, _ := c["recorded_at"].(time.Time)
		seq, _ := c["seq"].(int64)
		reason, _ := c["reason"].(string)
		status, _ := c["status"].(string)
		out = append(out, genealogy.StatusChange{MemberID: id, Status: status, At: at.UTC(), Reason: reason, RecordedAt: recAt.UTC(), Seq: seq})
	}
	return out
}

// RecordStatus implements genealogy.StatusStore.
func (s *Store) RecordStatus(ctx context.Context, c genealogy.StatusChange) error {
	res, err := s.write(ctx, qStatusRecord, map[string]any{"id": c.MemberID, "status": c.Status, "at": c.At.Format(time.RFC3339Nano),
		"reason": c.Reason, "actor": graph.ActorOf(ctx), "recorded_at": c.RecordedAt.Format(time.RFC3339Nano), "seq": c.Seq})
	if err != nil {
		return err
	}
	if get[int64](res.Records[0], "n") == 0 {
		return graph.Conflict("the status of %s changed meanwhile; look again and retry", c.MemberID)
	}
	return nil
}
