package main

import (
	"context"
	"testing"
	"time"

	"github.com/halo-oss/halo/engine"
	"github.com/halo-oss/halo/internal/app"
	"github.com/halo-oss/halo/internal/testenv"
)

// Issue #14, finding 12: seed-demo works on a fresh database whose root registered just now
// (no HALO_ROOT_REGISTERED_AT): the demo's history is squeezed between the root and now.
func TestSeedDemoOnAFreshDatabase(t *testing.T) {
	st := testenv.Store(t)
	cfg := &app.Config{AdminEmail: "admin@example.com", AdminPassword: "admin-password", RootID: "root", RootEmail: "root@example.com",
		RootRegisteredAt: time.Now().UTC().Add(-time.Second), SecretKey: "test-secret", TokenTTL: time.Hour, LoginFailures: 5, LoginFailuresPerIP: 30, ImportBatch: 100}
	a := app.New(cfg, engine.DefaultConfig(), app.Deps{Store: st, Cache: testenv.Cache(t), Log: testenv.Log()})
	ctx := context.Background()
	if err := a.Bootstrap.Run(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := SeedDemo(ctx, a.Vendors, a.Members, "root", a.Log); err != nil {
		t.Fatal(err)
	}
	if err := SeedField(ctx, a.Content, a.Field, a.Log); err != nil {
		t.Fatal(err)
	}
	leo, err := a.Members.Get(ctx, "leo")
	if err != nil || leo.RegisteredAt.After(time.Now()) || !leo.RegisteredAt.After(cfg.RootRegisteredAt) {
		t.Errorf("%v %+v", err, leo)
	}
	// Idempotent: a second seeding changes nothing and fails on nothing.
	if _, err := SeedDemo(ctx, a.Vendors, a.Members, "root", a.Log); err != nil {
		t.Fatal(err)
	}
}
