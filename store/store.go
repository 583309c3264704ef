// Package store is the Neo4j implementation of the storage interfaces the domain's subdomains
// declare (graph/genealogy, graph/sales, graph/payouts, graph/identity, graph/field,
// graph/dashboards, graph/platform). Every statement comes from package cypher; this package
// binds parameters, maps rows, and turns driver errors into the kernel's vocabulary. Files are
// named by subdomain; this one keeps only the driver plumbing, rows.go the shared row helpers.
package store

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"sync/atomic"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j/config"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j/notifications"

	"github.com/halo-oss/halo/cypher"
	"github.com/halo-oss/halo/graph"
)

var (
	qPing = cypher.MustQuery("platform/ping")
	qWipe = cypher.MustQuery("platform/wipe_batch")
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
	// lastSales is how many sales the last whole snapshot read: the next one sizes its slice
	// from it (the sales it reads are no count Neo4j keeps).
	lastSales atomic.Int64
	// earningsPart is how many analysts' earnings one write holds while the API is in use;
	// 0 is earningsPaced (tests make it smaller to cross the writes' boundaries).
	earningsPart int
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
		// Nothing in halod reads the server's notifications ("property key does not exist" for
		// the properties of older statements, and the like), and asking for none lets Neo4j skip
		// their analysis: a consultant's dashboard's four reads took 3.1 ms instead of 4.7 ms
		// (issue #19). Needs Neo4j 5.7 or later; the project runs 5.26. Analysts in Neo4j
		// Browser still see them.
		c.NotificationsMinSeverity = notifications.DisabledLevel
	})
	if err != nil {
		return nil, fmt.Errorf("neo4j driver: %w", err)
	}
	return &Store{driver: drv, db: cfg.Database, log: log}, nil
}

// Close releases the driver's connections.
func (s *Store) Close(ctx context.Context) error { return s.driver.Close(ctx) }

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

// accepting tags a write transaction that stamps what it accepts with the transaction's start
// (`datetime.transaction()`: members' `created_at`, sales' and cancellations' `accepted_at`).
// While such a transaction is open Neo4j lists it, with that start, in SHOW TRANSACTIONS, on
// whichever replica it runs: so a reader that reads by stamp knows the oldest stamp still to
// commit (OldestOpenAccept) instead of re-reading a fixed overlap (issue #19).
var accepting = neo4j.WithTxMetadata(map[string]any{"halo": "accepts"})

// writeAccepting is write for a query that stamps what it accepts (accepting).
func (s *Store) writeAccepting(ctx context.Context, q string, params map[string]any) (*neo4j.EagerResult, error) {
	o := append(s.opts(true), neo4j.ExecuteQueryWithTransactionConfig(accepting))
	r, err := neo4j.ExecuteQuery(ctx, s.driver, q, params, neo4j.EagerResultTransformer, o...)
	return r, s.mapErr(err)
}

// session opens a session for explicit transactions: read sessions are routed to any member of
// a cluster, write sessions to the leader. Write sessions hand their bookmarks to the manager
// ExecuteQuery reads with, so every later read through ExecuteQuery — the API's reads — sees
// what this process wrote (causal consistency on a cluster). Read sessions (paged listings, the
// counters' re-read of a window that overlaps by design) neither wait for nor add bookmarks:
// measured on the 1M network, making them wait too cost 1.5–2 ms at the dashboard's p50.
func (s *Store) session(ctx context.Context, write bool) neo4j.SessionWithContext {
	if !write {
		return s.driver.NewSession(ctx, neo4j.SessionConfig{DatabaseName: s.db, AccessMode: neo4j.AccessModeRead})
	}
	return s.driver.NewSession(ctx, neo4j.SessionConfig{DatabaseName: s.db, AccessMode: neo4j.AccessModeWrite, BookmarkManager: s.driver.ExecuteQueryBookmarkManager()})
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
		case strings.Contains(ne.Msg, "too large") || strings.Contains(ne.Msg, "is too big"):
			// A value past an index's key limit: the input was too long, not the database down.
			return &graph.Error{Kind: graph.KindInvalid, Message: "a value is too long to be stored", Err: err}
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
	rec, err := readOne(ctx, s, q, nil, nil)
	if err != nil {
		return 0, err
	}
	if rec == nil {
		return 0, nil
	}
	v, _ := rec.Get("n")
	n, _ := v.(int64)
	return n, nil
}

// QueryForTests runs a read statement with parameters and returns its rows (tests of the
// analysts' queries).
func (s *Store) QueryForTests(ctx context.Context, q string, params map[string]any) ([]map[string]any, error) {
	res, err := s.read(ctx, q, params)
	if err != nil {
		return nil, err
	}
	out := make([]map[string]any, len(res.Records))
	for i, r := range res.Records {
		out[i] = r.AsMap()
	}
	return out, nil
}

// NotificationsForTests runs a read and returns the notifications the server sent with it
// (integration tests only).
func (s *Store) NotificationsForTests(ctx context.Context, q string) ([]string, error) {
	res, err := s.read(ctx, q, nil)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, n := range res.Summary.Notifications() {
		out = append(out, n.Code()+": "+n.Description())
	}
	return out, nil
}

// PlanForTests returns the operators of the plan Neo4j makes for one of the project's queries
// (cypher.MustQuery's name) with params, outermost first (integration tests only).
func (s *Store) PlanForTests(ctx context.Context, name string, params map[string]any) ([]string, error) {
	return s.plan(ctx, name, params, false)
}

// PlanDetailsForTests is PlanForTests with each operator's details ("NodeByLabelScan t:Track").
func (s *Store) PlanDetailsForTests(ctx context.Context, name string, params map[string]any) ([]string, error) {
	return s.plan(ctx, name, params, true)
}

func (s *Store) plan(ctx context.Context, name string, params map[string]any, details bool) ([]string, error) {
	res, err := s.read(ctx, "EXPLAIN "+cypher.MustQuery(name), params)
	if err != nil {
		return nil, err
	}
	var out []string
	var walk func(p neo4j.Plan)
	walk = func(p neo4j.Plan) {
		op := p.Operator()
		if d, _ := p.Arguments()["Details"].(string); details {
			op += " " + d
		}
		out = append(out, op)
		for _, c := range p.Children() {
			walk(c)
		}
	}
	if p := res.Summary.Plan(); p != nil {
		walk(p)
	}
	return out, nil
}

// ExecForTests runs a write statement (integration tests only).
func (s *Store) ExecForTests(ctx context.Context, q string) error {
	_, err := s.write(ctx, q, nil)
	return err
}
