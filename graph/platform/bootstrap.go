// Package platform is what Halo needs before and while it serves: start-up work (migrations,
// the first admin, the root consultant) and readiness of the backing services.
package platform

import (
	"context"
	"log/slog"
	"time"

	"github.com/halo-oss/halo/graph"
	"github.com/halo-oss/halo/graph/identity"
)

// RootSpec is the company's own consultant_plus account (PLAN.md §2), created at start-up.
type RootSpec struct {
	ID           string
	Name         string
	Email        string
	RegisteredAt time.Time
}

// BootstrapStore creates what must exist before Halo serves: schema, first admin, root.
type BootstrapStore interface {
	Migrate(ctx context.Context) (applied []string, err error)
	// EnsureAdmin creates the admin once; an existing admin is never overwritten.
	EnsureAdmin(ctx context.Context, email, passwordHash string) (created bool, err error)
	// EnsureRoot creates the root member and its pack purchase once.
	EnsureRoot(ctx context.Context, root RootSpec, pack PlanPack) (created bool, err error)
}

// PlanPack is the price and BV of a plan's pack.
type PlanPack struct {
	Plan  string
	Price string
	BV    string
}

// Bootstrap runs migrations and creates the first admin and the root (API.md, Auth).
type Bootstrap struct {
	Store         BootstrapStore
	AdminEmail    string
	AdminPassword string
	Root          RootSpec
	RootPack      PlanPack
	Log           *slog.Logger
}

// Run is idempotent: at every start-up it applies pending migrations and creates what is missing.
func (b *Bootstrap) Run(ctx context.Context) error {
	applied, err := b.Store.Migrate(ctx)
	if err != nil {
		return err
	}
	for _, m := range applied {
		b.Log.Info("migration applied", "migration", m)
	}
	if b.AdminEmail != "" && b.AdminPassword != "" {
		hash, err := identity.HashPassword(b.AdminPassword)
		if err != nil {
			return err
		}
		created, err := b.Store.EnsureAdmin(ctx, graph.NormalizeEmail(b.AdminEmail), hash)
		if err != nil {
			return err
		}
		if created {
			b.Log.Info("first admin created", "email", graph.NormalizeEmail(b.AdminEmail))
		}
	}
	created, err := b.Store.EnsureRoot(ctx, b.Root, b.RootPack)
	if err != nil {
		return err
	}
	if created {
		b.Log.Info("root consultant created", "id", b.Root.ID, "registered_at", b.Root.RegisteredAt.UTC().Format(time.RFC3339))
	}
	return nil
}
