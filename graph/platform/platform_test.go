package platform

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/halo-oss/halo/graph"
)

type memBoot struct {
	migrations []string
	admins     map[string]string
	roots      map[string]RootSpec
	packs      []PlanPack
}

func (m *memBoot) Migrate(context.Context) ([]string, error) {
	out := m.migrations
	m.migrations = nil
	return out, nil
}

func (m *memBoot) EnsureAdmin(_ context.Context, email, hash string) (bool, error) {
	if _, ok := m.admins[email]; ok {
		return false, nil
	}
	m.admins[email] = hash
	return true, nil
}

func (m *memBoot) EnsureRoot(_ context.Context, root RootSpec, pack PlanPack) (bool, error) {
	if _, ok := m.roots[root.ID]; ok {
		return false, nil
	}
	m.roots[root.ID] = root
	m.packs = append(m.packs, pack)
	return true, nil
}

// Start-up is idempotent: migrations once, the first admin once (never overwritten), the root once.
func TestBootstrapIsIdempotent(t *testing.T) {
	st := &memBoot{migrations: []string{"0001_member_id"}, admins: map[string]string{}, roots: map[string]RootSpec{}}
	b := &Bootstrap{Store: st, AdminEmail: " Admin@Example.com ", AdminPassword: "first-password", Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Root: RootSpec{ID: "root", Email: "root@example.com", RegisteredAt: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}, RootPack: PlanPack{Plan: "consultant_plus", Price: "299.00", BV: "150"}}
	ctx := context.Background()
	for i := 0; i < 2; i++ {
		if err := b.Run(ctx); err != nil {
			t.Fatal(err)
		}
	}
	hash := st.admins["admin@example.com"]
	if len(st.admins) != 1 || hash == "" || hash == "first-password" || len(st.roots) != 1 || len(st.packs) != 1 {
		t.Errorf("admins %v, roots %v", st.admins, st.roots)
	}
	b.AdminPassword = "short"
	st.admins = map[string]string{}
	if err := b.Run(ctx); graph.KindOf(err) != graph.KindInvalid {
		t.Errorf("a short admin password is refused: %v", err)
	}
}

type pinger struct{ err error }

func (p pinger) Ping(context.Context) error { return p.err }

// Neo4j is required, Redis only degrades; start-up work in progress reads as starting.
func TestReadiness(t *testing.T) {
	down := pinger{errors.New("dial tcp: connection refused")}
	for _, c := range []struct {
		graph, cache pinger
		ready        func() error
		want         string
	}{
		{pinger{}, pinger{}, nil, "ok"},
		{pinger{}, down, nil, "degraded"},
		{down, pinger{}, nil, "unavailable"},
		{pinger{}, pinger{}, func() error { return errors.New("migrations running") }, "unavailable"},
	} {
		h := &HealthService{Graph: c.graph, Cache: c.cache, Ready: c.ready, Timeout: time.Second}
		r := h.Readiness(context.Background())
		if r.Status != c.want {
			t.Errorf("%+v: %s, want %s", r, r.Status, c.want)
		}
		for name, chk := range r.Checks {
			if chk.Status == "down" && chk.Error != name+" is unreachable" {
				t.Errorf("the driver's message never leaks: %q", chk.Error)
			}
		}
	}
}
