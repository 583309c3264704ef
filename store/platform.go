package store

import (
	"context"
	"fmt"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/halo-oss/halo/cypher"
	"github.com/halo-oss/halo/graph"
	"github.com/halo-oss/halo/graph/platform"
)

var (
	qAdminEnsure      = cypher.MustQuery("platform/admin_ensure")
	qMigrationApplied = cypher.MustQuery("platform/migration_applied")
	qMigrationRecord  = cypher.MustQuery("platform/migration_record")
	qRootEnsure       = cypher.MustQuery("platform/root_ensure")
)

// Migrate applies pending migrations in order, each once, and records them.
func (s *Store) Migrate(ctx context.Context) ([]string, error) {
	res, err := s.read(ctx, qMigrationApplied, nil)
	if err != nil {
		// The very first start has no Migration label yet; that is not an error.
		if graph.KindOf(err) != graph.KindInternal {
			return nil, err
		}
		res = &neo4j.EagerResult{}
	}
	done := map[string]bool{}
	for _, r := range res.Records {
		id, _ := r.Get("id")
		if v, ok := id.(string); ok {
			done[v] = true
		}
	}
	var applied []string
	for _, m := range cypher.Migrations() {
		if done[m.ID] {
			continue
		}
		// Schema statements run in their own auto-commit transaction.
		sess := s.session(ctx, true)
		_, err := sess.Run(ctx, m.Statement, nil)
		if err == nil {
			_, err = sess.Run(ctx, qMigrationRecord, map[string]any{"id": m.ID})
		}
		sess.Close(ctx)
		if err != nil {
			return applied, fmt.Errorf("migration %s: %w", m.ID, s.mapErr(err))
		}
		applied = append(applied, m.ID)
	}
	return applied, nil
}

// EnsureAdmin implements platform.BootstrapStore.
func (s *Store) EnsureAdmin(ctx context.Context, email, hash string) (bool, error) {
	res, err := s.write(ctx, qAdminEnsure, map[string]any{"email": email, "password_hash": hash})
	if err != nil {
		return false, err
	}
	return boolOf(res, "created"), nil
}

// EnsureRoot implements platform.BootstrapStore.
func (s *Store) EnsureRoot(ctx context.Context, root platform.RootSpec, pack platform.PlanPack) (bool, error) {
	price, err := cents(pack.Price)
	if err != nil {
		return false, err
	}
	bv, err := cents(pack.BV)
	if err != nil {
		return false, err
	}
	res, err := s.writeAccepting(ctx, qRootEnsure, map[string]any{
		"id": root.ID, "name": root.Name, "email": graph.NormalizeEmail(root.Email), "plan": pack.Plan,
		"registered_at": root.RegisteredAt.UTC().Format(time.RFC3339Nano), "price_cents": price, "bv_cents": bv,
	})
	if err != nil {
		return false, err
	}
	return boolOf(res, "created"), nil
}
