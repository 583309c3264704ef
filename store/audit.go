package store

import (
	"context"
	"encoding/json"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/halo-oss/halo/cypher"
	"github.com/halo-oss/halo/graph"
)

var (
	qAuditList   = cypher.MustQuery("audit/audit_list")
	qAuditRecord = cypher.MustQuery("audit/audit_record")
)

// RecordAudit implements graph.AuditLog.
func (s *Store) RecordAudit(ctx context.Context, e graph.AuditEntry) error {
	str := func(b json.RawMessage) any {
		if len(b) == 0 {
			return nil
		}
		return string(b)
	}
	_, err := s.write(ctx, qAuditRecord, map[string]any{"id": e.ID, "actor": e.Actor, "action": e.Action, "target_type": e.TargetType,
		"target_id": e.TargetID, "at": ts(e.At), "before": str(e.Before), "after": str(e.After)})
	return err
}

// Audit implements graph.AuditLog.
func (s *Store) Audit(ctx context.Context, f graph.AuditFilter, offset, limit int) ([]graph.AuditEntry, bool, error) {
	return readPage(ctx, s, qAuditList, map[string]any{"actor": f.Actor, "action": f.Action, "target_type": f.TargetType, "target_id": f.TargetID,
		"offset": offset}, limit, func(r *neo4j.Record) graph.AuditEntry {
		e := graph.AuditEntry{ID: get[string](r, "id"), Actor: get[string](r, "actor"), Action: get[string](r, "action"), TargetType: get[string](r, "target_type"),
			TargetID: get[string](r, "target_id"), At: get[time.Time](r, "at").UTC()}
		if b := get[string](r, "before"); b != "" {
			e.Before = json.RawMessage(b)
		}
		if a := get[string](r, "after"); a != "" {
			e.After = json.RawMessage(a)
		}
		return e
	})
}
