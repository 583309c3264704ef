package main

import (
	"context"
	"testing"
	"time"

	"github.com/halo-oss/halo/engine"
	"github.com/halo-oss/halo/internal/app"
	"github.com/halo-oss/halo/internal/testenv"
	"github.com/halo-oss/halo/store"
)

// Issue #14, finding 12: seed-demo works on a fresh database whose root registered just now
// (no HALO_ROOT_REGISTERED_AT): the demo's history is squeezed between the root and now.
func TestSeedDemoOnAFreshDatabase(t *testing.T) {
	rootAt := time.Now().UTC().Add(-time.Second)
	a, _ := demoApp(t, rootAt)
	ctx := context.Background()
	if _, err := SeedDemo(ctx, a.Vendors, a.Members, "root", a.Log); err != nil {
		t.Fatal(err)
	}
	if err := SeedField(ctx, a.Content, a.Field, a.Log); err != nil {
		t.Fatal(err)
	}
	leo, err := a.Members.Get(ctx, "leo")
	if err != nil || leo.RegisteredAt.After(time.Now()) || !leo.RegisteredAt.After(rootAt) {
		t.Errorf("%v %+v", err, leo)
	}
	// Idempotent: a second seeding changes nothing and fails on nothing.
	if _, err := SeedDemo(ctx, a.Vendors, a.Members, "root", a.Log); err != nil {
		t.Fatal(err)
	}
}

// demoApp is Halo on a fresh test graph, its root registered at rootAt, with migrations, the
// first admin and the root in place.
func demoApp(t *testing.T, rootAt time.Time) (*app.App, *store.Store) {
	t.Helper()
	st := testenv.Store(t)
	cfg := &app.Config{AdminEmail: "admin@example.com", AdminPassword: "admin-password", RootID: "root", RootEmail: "root@example.com",
		RootRegisteredAt: rootAt, SecretKey: "test-secret", TokenTTL: time.Hour, LoginFailures: 5, LoginFailuresPerIP: 30, ImportBatch: 100}
	a := app.New(cfg, engine.DefaultConfig(), app.Deps{Store: st, Cache: testenv.Cache(t), Log: testenv.Log()})
	if err := a.Bootstrap.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	return a, st
}
