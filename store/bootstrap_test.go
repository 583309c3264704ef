package store_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/halo-oss/halo/graph"
	"github.com/halo-oss/halo/graph/identity"
	"github.com/halo-oss/halo/graph/platform"
	"github.com/halo-oss/halo/internal/testenv"
	"github.com/halo-oss/halo/store"
)

func TestBootstrapIsIdempotentAndNeverOverwritesTheAdmin(t *testing.T) {
	s := testenv.Store(t)
	ctx := context.Background()
	regAt := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	b := &platform.Bootstrap{Store: s, AdminEmail: "Admin@Example.com", AdminPassword: "first-password", Log: testenv.Log(),
		Root:     platform.RootSpec{ID: "root", Name: "Company", Email: "root@example.com", RegisteredAt: regAt},
		RootPack: platform.PlanPack{Plan: "consultant_plus", Price: "299.00", BV: "150"}}
	if err := b.Run(ctx); err != nil {
		t.Fatal(err)
	}
	// A second start with another password and another root time changes nothing.
	b.AdminPassword = "second-password"
	b.Root.RegisteredAt = regAt.AddDate(0, 1, 0)
	if err := b.Run(ctx); err != nil {
		t.Fatal(err)
	}
	applied, err := s.Migrate(ctx)
	if err != nil || len(applied) != 0 {
		t.Fatalf("migrations must run once: %v %v", applied, err)
	}
	auth := &identity.AuthService{Accounts: s, Tokens: identity.NewTokenSigner([]byte("k"), time.Hour)}
	if _, err := auth.Login(ctx, "admin@example.com", "first-password", ""); err != nil {
		t.Fatalf("the first admin password must survive a restart: %v", err)
	}
	if _, err := auth.Login(ctx, "admin@example.com", "second-password", ""); graph.KindOf(err) != graph.KindUnauthorized {
		t.Fatalf("the admin must never be overwritten: %v", err)
	}
	n, err := s.CountForTests(ctx, "MATCH (s:Sale {id: 'pack:root'})-[:OF]->(:Member {id: 'root', plan: 'consultant_plus'}) WHERE s.occurred_at = datetime('2026-01-01T00:00:00Z') AND s.price_cents = 29900 AND s.bv_cents = 15000 RETURN count(s) AS n")
	if err != nil || n != 1 {
		t.Fatalf("root and its pack purchase exist once, registered at the first start: %d %v", n, err)
	}
}

// Issue #17: the routing scheme of a Neo4j cluster or Aura (neo4j://) works against the test
// server: migrations, a write through an explicit write transaction and the reads after it.
func TestRoutingURIReadsItsOwnWrites(t *testing.T) {
	testenv.Store(t) // a wiped, migrated graph
	cfg := testenv.Neo4jConfig()
	cfg.URI = strings.Replace(cfg.URI, "bolt://", "neo4j://", 1)
	s, err := store.New(cfg, testenv.Log())
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close(context.Background())
	ctx := context.Background()
	if err := s.Ping(ctx); err != nil {
		t.Fatalf("ping over %s: %v", cfg.URI, err)
	}
	regAt := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	b := &platform.Bootstrap{Store: s, AdminEmail: "admin@example.com", AdminPassword: "first-password", Log: testenv.Log(),
		Root:     platform.RootSpec{ID: "root", Name: "Company", Email: "root@example.com", RegisteredAt: regAt},
		RootPack: platform.PlanPack{Plan: "consultant_plus", Price: "299.00", BV: "150"}}
	if err := b.Run(ctx); err != nil {
		t.Fatal(err)
	}
	if m, err := s.Member(ctx, "root"); err != nil || m.ID != "root" {
		t.Fatalf("reading the root just written: %+v %v", m, err)
	}
	auth := &identity.AuthService{Accounts: s, Tokens: identity.NewTokenSigner([]byte("k"), time.Hour)}
	if _, err := auth.Login(ctx, "admin@example.com", "first-password", ""); err != nil {
		t.Fatalf("login over neo4j://: %v", err)
	}
}
