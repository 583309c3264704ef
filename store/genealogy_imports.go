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
	qImportEmails      = cypher.MustQuery("genealogy/import_emails_taken")
	qImportExisting    = cypher.MustQuery("genealogy/import_existing_members")
	qImportFinish      = cypher.MustQuery("genealogy/import_finish")
	qImportGet         = cypher.MustQuery("genealogy/import_get")
	qImportLinks       = cypher.MustQuery("genealogy/import_batch_links")
	qImportNodes       = cypher.MustQuery("genealogy/import_batch_nodes")
	qImportProgress    = cypher.MustQuery("genealogy/import_progress")
	qImportRollback    = cypher.MustQuery("genealogy/import_rollback_batch")
	qImportRollbackCt  = cypher.MustQuery("genealogy/import_rollback_cutover")
	qImportRollbackLed = cypher.MustQuery("genealogy/import_rollback_ledger")
	qImportStart       = cypher.MustQuery("genealogy/import_start")
	qImportBeat        = cypher.MustQuery("genealogy/import_beat")
	qImportsRunning    = cypher.MustQuery("genealogy/imports_running")
	qNetworkLive       = cypher.MustQuery("genealogy/network_live")
	qNetworkCutover    = cypher.MustQuery("genealogy/network_cutover")
	qPlacementInside   = cypher.MustQuery("genealogy/placement_inside_batch")
	qPlacementLock     = cypher.MustQuery("genealogy/placement_lock")
	qLegsImportRoots   = cypher.MustQuery("genealogy/legs_import_roots")
)

// ExistingMembers implements genealogy.ImportStore, in UNWIND chunks.
func (s *Store) ExistingMembers(ctx context.Context, ids []string) (map[string]genealogy.ExistingMember, error) {
	out := map[string]genealogy.ExistingMember{}
	err := chunks(ids, lookupChunk, func(c []string) error {
		res, err := s.read(ctx, qImportExisting, map[string]any{"ids": c})
		if err != nil {
			return err
		}
		for _, r := range res.Records {
			m := genealogy.ExistingMember{ID: get[string](r, "id"), Name: get[string](r, "name"), Email: get[string](r, "email"), Plan: get[string](r, "plan"),
				SponsorID: get[string](r, "sponsor_id"), ParentID: get[string](r, "parent_id"), Leg: get[string](r, "leg"),
				RegisteredAt: get[time.Time](r, "registered_at").UTC(), Depth: get[int64](r, "depth"), SDepth: get[int64](r, "sdepth"),
				LeftTaken: get[bool](r, "left_taken"), RightTaken: get[bool](r, "right_taken"), Imported: get[bool](r, "imported")}
			if v, ok := r.Get("terminated_at"); ok && v != nil {
				at := v.(time.Time).UTC()
				m.TerminatedAt = &at
			}
			out[m.ID] = m
		}
		return nil
	})
	return out, err
}

// EmailsTaken implements genealogy.ImportStore.
func (s *Store) EmailsTaken(ctx context.Context, emails []string) (map[string]string, error) {
	out := map[string]string{}
	err := chunks(emails, lookupChunk, func(c []string) error {
		res, err := s.read(ctx, qImportEmails, map[string]any{"emails": c})
		if err != nil {
			return err
		}
		for _, r := range res.Records {
			out[get[string](r, "email")] = get[string](r, "owner")
		}
		return nil
	})
	return out, err
}

// PlacementInside implements genealogy.ImportStore.
func (s *Store) PlacementInside(ctx context.Context, pairs [][2]string) (map[[2]string]bool, error) {
	out := map[[2]string]bool{}
	err := chunks(pairs, 1000, func(c [][2]string) error {
		ps := make([]map[string]any, len(c))
		for i, p := range c {
			ps[i] = map[string]any{"anc": p[0], "desc": p[1]}
		}
		res, err := s.read(ctx, qPlacementInside, map[string]any{"pairs": ps})
		if err != nil {
			return err
		}
		for _, r := range res.Records {
			out[[2]string{get[string](r, "anc"), get[string](r, "desc")}] = get[bool](r, "inside")
		}
		return nil
	})
	return out, err
}

// Cutover implements genealogy.ImportStore.
func (s *Store) Cutover(ctx context.Context) (*time.Time, error) {
	rec, err := readOne(ctx, s, qNetworkCutover, nil, nil)
	if err != nil {
		return nil, err
	}
	if rec == nil {
		return nil, nil
	}
	t, ok := rec.AsMap()["cutover"].(time.Time)
	if !ok {
		return nil, nil
	}
	t = t.UTC()
	return &t, nil
}

// LiveNetwork implements genealogy.ImportStore.
func (s *Store) LiveNetwork(ctx context.Context) (bool, error) {
	rec, err := readOne(ctx, s, qNetworkLive, nil, nil)
	return get[bool](rec, "live"), err
}

// StartImport implements genealogy.ImportStore.
func (s *Store) StartImport(ctx context.Context, job genealogy.ImportJob, cutover *time.Time) error {
	var ct any
	if cutover != nil {
		ct = cutover.UTC().Format(time.RFC3339Nano)
	}
	res, err := s.write(ctx, qImportStart, map[string]any{"id": job.ID, "total": job.LinesTotal, "skipped": job.LinesSkipped,
		"started_at": job.StartedAt.Format(time.RFC3339Nano), "actor": job.CreatedBy, "cutover": ct})
	if err != nil {
		return err
	}
	if len(res.Records) == 0 {
		return graph.Conflict("another import is running; try again when it has finished")
	}
	return nil
}

// WriteImportBatch implements genealogy.ImportStore: one transaction per batch, holding the
// placement lock so live registrations cannot race the import for a slot.
func (s *Store) WriteImportBatch(ctx context.Context, importID string, rows []genealogy.ImportRow) error {
	ps := make([]map[string]any, len(rows))
	for i, r := range rows {
		var hash, parent, leg any
		if r.PasswordHash != "" {
			hash = r.PasswordHash
		}
		if r.ParentID != "" {
			parent, leg = r.ParentID, r.Leg
		}
		ps[i] = map[string]any{"id": r.ID, "name": r.Name, "email": r.Email, "password_hash": hash, "plan": r.Plan, "sponsor": r.SponsorID,
			"parent": parent, "leg": leg, "registered_at": r.RegisteredAt.Format(time.RFC3339Nano), "depth": r.Depth, "sdepth": r.SDepth, "left_count": r.LeftCount, "right_count": r.RightCount,
			"rank": r.Rank, "opening": r.HasOpening, "carry_left": int64(r.CarryLeft), "carry_right": int64(r.CarryRight),
			"lifetime_left": int64(r.LifetimeLeft), "lifetime_right": int64(r.LifetimeRight), "wallet": int64(r.Wallet)}
	}
	sess := s.session(ctx, true)
	defer sess.Close(ctx)
	_, err := sess.ExecuteWrite(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
		for _, q := range []string{qPlacementLock, qImportNodes, qImportLinks} {
			res, err := tx.Run(ctx, q, map[string]any{"rows": ps, "import": importID})
			if err != nil {
				return nil, err
			}
			if _, err := res.Consume(ctx); err != nil {
				return nil, err
			}
		}
		return nil, nil
	}, accepting)
	return s.mapErr(err)
}

// ImportProgress implements genealogy.ImportStore.
func (s *Store) ImportProgress(ctx context.Context, id string, written int64) error {
	_, err := s.write(ctx, qImportProgress, map[string]any{"id": id, "written": written})
	return err
}

// FinishImport implements genealogy.ImportStore.
func (s *Store) FinishImport(ctx context.Context, id, status, msg string) error {
	var e any
	if msg != "" {
		e = msg
	}
	_, err := s.write(ctx, qImportFinish, map[string]any{"id": id, "status": status, "error": e})
	return err
}

// CompleteImport implements genealogy.ImportStore.
func (s *Store) CompleteImport(ctx context.Context, id string, roots []genealogy.LegAdd) error {
	sess := s.session(ctx, true)
	defer sess.Close(ctx)
	_, err := sess.ExecuteWrite(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
		run := txRunner(ctx, tx)
		if _, err := run(qPlacementLock, nil); err != nil {
			return nil, err
		}
		rs := make([]map[string]any, len(roots))
		for i, r := range roots {
			rs[i] = map[string]any{"id": r.ID, "n": r.N}
		}
		if _, err := run(qLegsImportRoots, map[string]any{"roots": rs}); err != nil {
			return nil, err
		}
		_, err := run(qImportFinish, map[string]any{"id": id, "status": "done", "error": nil})
		return nil, err
	})
	return s.mapErr(err)
}

// RollbackImport implements genealogy.ImportStore.
func (s *Store) RollbackImport(ctx context.Context, id string) error {
	for {
		res, err := s.write(ctx, qImportRollback, map[string]any{"id": id, "batch": 10000})
		if err != nil {
			return err
		}
		if get[int64](res.Records[0], "deleted") == 0 {
			break
		}
	}
	for {
		res, err := s.write(ctx, qImportRollbackLed, map[string]any{"id": id, "batch": 10000})
		if err != nil {
			return err
		}
		if get[int64](res.Records[0], "deleted") == 0 {
			break
		}
	}
	_, err := s.write(ctx, qImportRollbackCt, map[string]any{"id": id})
	return err
}

// Import implements genealogy.ImportStore.
func (s *Store) Import(ctx context.Context, id string) (*genealogy.ImportJob, error) {
	rec, err := readOne(ctx, s, qImportGet, map[string]any{"id": id}, graph.NotFound("import %s not found", id))
	if err != nil {
		return nil, err
	}
	r := rec
	j := &genealogy.ImportJob{ID: get[string](r, "id"), Status: get[string](r, "status"), LinesTotal: get[int64](r, "lines_total"),
		LinesWritten: get[int64](r, "lines_written"), LinesSkipped: get[int64](r, "lines_skipped"), Error: get[string](r, "error"),
		StartedAt: get[time.Time](r, "started_at").UTC(), CreatedBy: get[string](r, "created_by")}
	j.FinishedAt = props(r.AsMap()).atPtr("finished_at")
	j.Cutover = props(r.AsMap()).atPtr("cutover")
	return j, nil
}

// ImportBeat implements genealogy.ImportStore.
func (s *Store) ImportBeat(ctx context.Context, id string, at time.Time) error {
	_, err := s.write(ctx, qImportBeat, map[string]any{"id": id, "at": ts(at)})
	return err
}

// RunningImports implements genealogy.ImportStore.
func (s *Store) RunningImports(ctx context.Context, before time.Time) ([]string, error) {
	res, err := s.read(ctx, qImportsRunning, map[string]any{"before": ts(before)})
	if err != nil {
		return nil, err
	}
	var ids []string
	for _, r := range res.Records {
		ids = append(ids, get[string](r, "id"))
	}
	return ids, nil
}
