// Package store is the Neo4j implementation of the interfaces package graph declares. Every
// statement comes from package cypher; this package binds parameters and maps results and
// driver errors into graph's vocabulary.
package store

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j/config"

	"github.com/halo-oss/halo/cypher"
	"github.com/halo-oss/halo/graph"
	"github.com/halo-oss/halo/graph/identity"
	"github.com/halo-oss/halo/graph/platform"
)

// Config locates Neo4j.
type Config struct {
	URI      string
	User     string
	Password string
	Database string // "" = the server's default (Community has one)
	PoolSize int
}

// Store talks to Neo4j.
type Store struct {
	driver neo4j.DriverWithContext
	db     string
	log    *slog.Logger
}

// New creates the driver. It does not need Neo4j to be up: connections are made on use, and a
// down server surfaces as graph.KindUnavailable until it returns.
func New(cfg Config, log *slog.Logger) (*Store, error) {
	drv, err := neo4j.NewDriverWithContext(cfg.URI, neo4j.BasicAuth(cfg.User, cfg.Password, ""), func(c *config.Config) {
		if cfg.PoolSize > 0 {
			c.MaxConnectionPoolSize = cfg.PoolSize
		}
		c.ConnectionAcquisitionTimeout = 5 * time.Second
		c.SocketConnectTimeout = 2 * time.Second
		c.MaxTransactionRetryTime = 5 * time.Second
	})
	if err != nil {
		return nil, fmt.Errorf("neo4j driver: %w", err)
	}
	return &Store{driver: drv, db: cfg.Database, log: log}, nil
}

// Close releases the driver's connections.
func (s *Store) Close(ctx context.Context) error { return s.driver.Close(ctx) }

var qPing = cypher.MustQuery("ping")

// Ping runs a trivial query (VerifyConnectivity alone would not notice a server that accepts
// connections but cannot serve).
func (s *Store) Ping(ctx context.Context) error {
	_, err := s.read(ctx, qPing, nil)
	return err
}

func (s *Store) opts(write bool) []neo4j.ExecuteQueryConfigurationOption {
	o := []neo4j.ExecuteQueryConfigurationOption{neo4j.ExecuteQueryWithDatabase(s.db)}
	if write {
		o = append(o, neo4j.ExecuteQueryWithWritersRouting())
	} else {
		o = append(o, neo4j.ExecuteQueryWithReadersRouting())
	}
	return o
}

func (s *Store) read(ctx context.Context, q string, params map[string]any) (*neo4j.EagerResult, error) {
	r, err := neo4j.ExecuteQuery(ctx, s.driver, q, params, neo4j.EagerResultTransformer, s.opts(false)...)
	return r, s.mapErr(err)
}

func (s *Store) write(ctx context.Context, q string, params map[string]any) (*neo4j.EagerResult, error) {
	r, err := neo4j.ExecuteQuery(ctx, s.driver, q, params, neo4j.EagerResultTransformer, s.opts(true)...)
	return r, s.mapErr(err)
}

// readPage runs a listing query for one row more than limit and maps the rows: the page, and
// whether more follow.
func readPage[T any](ctx context.Context, s *Store, q string, params map[string]any, limit int, row func(*neo4j.Record) T) ([]T, bool, error) {
	params["limit"] = limit + 1
	res, err := s.read(ctx, q, params)
	if err != nil {
		return nil, false, err
	}
	out := make([]T, 0, len(res.Records))
	for _, r := range res.Records {
		out = append(out, row(r))
	}
	if len(out) > limit {
		return out[:limit], true, nil
	}
	return out, false, nil
}

// session opens a session for explicit transactions.
func (s *Store) session(ctx context.Context, write bool) neo4j.SessionWithContext {
	mode := neo4j.AccessModeRead
	if write {
		mode = neo4j.AccessModeWrite
	}
	return s.driver.NewSession(ctx, neo4j.SessionConfig{DatabaseName: s.db, AccessMode: mode})
}

// mapErr turns driver errors into graph errors: connectivity is Unavailable, a uniqueness
// violation is Conflict; anything else is internal (logged, never shown).
func (s *Store) mapErr(err error) error {
	if err == nil {
		return nil
	}
	var ge *graph.Error
	if errors.As(err, &ge) {
		return ge
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return graph.Unavailable("neo4j", err)
	}
	var ne *neo4j.Neo4jError
	if errors.As(err, &ne) {
		switch {
		case ne.Code == "Neo.ClientError.Schema.ConstraintValidationFailed":
			return &graph.Error{Kind: graph.KindConflict, Message: constraintMessage(ne.Msg), Err: err}
		case strings.HasPrefix(ne.Code, "Neo.ClientError.Security."):
			return graph.Unavailable("neo4j", err)
		case strings.HasPrefix(ne.Code, "Neo.TransientError."), strings.HasPrefix(ne.Code, "Neo.DatabaseError."):
			return graph.Unavailable("neo4j", err)
		}
		return graph.Internal(err)
	}
	if neo4j.IsConnectivityError(err) || neo4j.IsTransactionExecutionLimit(err) {
		return graph.Unavailable("neo4j", err)
	}
	var ue *neo4j.UsageError
	if errors.As(err, &ue) {
		return graph.Internal(err)
	}
	// The driver reports refused connections as plain errors in some paths.
	if strings.Contains(err.Error(), "connect") {
		return graph.Unavailable("neo4j", err)
	}
	return graph.Internal(err)
}

// constraintMessage names what clashed without leaking the driver's text.
func constraintMessage(msg string) string {
	switch {
	case strings.Contains(msg, "`email`"), strings.Contains(msg, "email"):
		return "email: already registered"
	case strings.Contains(msg, "`slot`"), strings.Contains(msg, "slot"):
		return "placement: the slot is taken"
	case strings.Contains(msg, "`id`"):
		return "id: already exists"
	}
	return "conflicts with existing data"
}

var (
	qMigrationApplied = cypher.MustQuery("migration_applied")
	qMigrationRecord  = cypher.MustQuery("migration_record")
	qAdminEnsure      = cypher.MustQuery("admin_ensure")
	qRootEnsure       = cypher.MustQuery("root_ensure")
	qAccountByEmail   = cypher.MustQuery("account_by_email")
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
	res, err := s.write(ctx, qRootEnsure, map[string]any{
		"id": root.ID, "name": root.Name, "email": graph.NormalizeEmail(root.Email), "plan": pack.Plan,
		"registered_at": root.RegisteredAt.UTC().Format(time.RFC3339Nano), "price_cents": price, "bv_cents": bv,
	})
	if err != nil {
		return false, err
	}
	return boolOf(res, "created"), nil
}

// AccountByEmail implements identity.AccountStore.
func (s *Store) AccountByEmail(ctx context.Context, email string) (*identity.Account, error) {
	res, err := s.read(ctx, qAccountByEmail, map[string]any{"email": email})
	if err != nil {
		return nil, err
	}
	if len(res.Records) == 0 {
		return nil, graph.NotFound("no account")
	}
	m := res.Records[0].AsMap()
	if id, ok := m["admin_id"].(string); ok {
		h, _ := m["admin_hash"].(string)
		return &identity.Account{ID: id, Email: email, Role: graph.RoleAdmin, PasswordHash: h}, nil
	}
	if id, ok := m["member_id"].(string); ok {
		h, _ := m["member_hash"].(string)
		role := graph.RoleConsultant
		if m["plan"] == "customer" {
			role = graph.RoleCustomer
		}
		return &identity.Account{ID: id, Email: email, Role: role, PasswordHash: h}, nil
	}
	return nil, graph.NotFound("no account")
}

func boolOf(res *neo4j.EagerResult, key string) bool {
	if len(res.Records) == 0 {
		return false
	}
	v, _ := res.Records[0].Get(key)
	b, _ := v.(bool)
	return b
}

var qWipe = cypher.MustQuery("wipe_batch")

// WipeForTests deletes every node in batches. Integration tests only: it refuses to run unless
// HALO_ALLOW_WIPE=1 is set (scripts/test.sh sets it for the test stack alone).
func (s *Store) WipeForTests(ctx context.Context) error {
	if os.Getenv("HALO_ALLOW_WIPE") != "1" {
		return graph.Forbidden("wiping Neo4j needs HALO_ALLOW_WIPE=1 (test stacks only)")
	}
	for {
		res, err := s.write(ctx, qWipe, map[string]any{"batch": 20000})
		if err != nil {
			return err
		}
		v, _ := res.Records[0].Get("deleted")
		if n, _ := v.(int64); n == 0 {
			return nil
		}
	}
}

// CountForTests runs a read query returning one integer column "n" (integration tests only).
func (s *Store) CountForTests(ctx context.Context, q string) (int64, error) {
	res, err := s.read(ctx, q, nil)
	if err != nil {
		return 0, err
	}
	if len(res.Records) == 0 {
		return 0, nil
	}
	v, _ := res.Records[0].Get("n")
	n, _ := v.(int64)
	return n, nil
}

// ExecForTests runs a write statement (integration tests only).
func (s *Store) ExecForTests(ctx context.Context, q string) error {
	_, err := s.write(ctx, q, nil)
	return err
}
