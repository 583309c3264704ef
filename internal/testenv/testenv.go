// Package testenv connects integration tests to the real Neo4j and Redis that scripts/test.sh
// starts. Without them a test is skipped locally and fails under CI=true: a missing service is
// never a silent pass. Packages that use it must not run in parallel with each other (Neo4j
// Community has one database); scripts/test.sh runs `go test -p 1`.
package testenv

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/halo-oss/halo/cache"
	"github.com/halo-oss/halo/store"
)

func env(k, def string) string {
	if v := os.Getenv(k); v != "" {
		return v
	}
	return def
}

// CI reports whether missing services must fail the run.
func CI() bool { return strings.EqualFold(os.Getenv("CI"), "true") || os.Getenv("CI") == "1" }

func unavailable(t testing.TB, what string, err error) {
	t.Helper()
	if CI() {
		t.Fatalf("%s is required under CI=true but unavailable: %v (scripts/test.sh starts it)", what, err)
	}
	t.Skipf("%s unavailable (%v); run scripts/test.sh to start the test stack", what, err)
}

// Log is a quiet logger for tests.
func Log() *slog.Logger {
	return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
}

// Neo4jConfig is the test stack's Neo4j.
func Neo4jConfig() store.Config {
	return store.Config{URI: env("NEO4J_URI", "bolt://127.0.0.1:17687"), User: env("NEO4J_USER", "neo4j"), Password: env("NEO4J_PASSWORD", "halo-dev-password")}
}

// RedisAddr is the test stack's Redis.
func RedisAddr() string { return env("REDIS_ADDR", "127.0.0.1:16379") }

// Store connects to Neo4j, wipes it, and applies migrations.
func Store(t testing.TB) *store.Store {
	t.Helper()
	s, err := store.New(Neo4jConfig(), Log())
	if err != nil {
		unavailable(t, "neo4j", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	if err := s.Ping(ctx); err != nil {
		unavailable(t, "neo4j", err)
	}
	t.Cleanup(func() { s.Close(context.Background()) })
	if os.Getenv("HALO_ALLOW_WIPE") != "1" {
		unavailable(t, "a test stack (HALO_ALLOW_WIPE=1)", nil)
	}
	if err := s.WipeForTests(ctx); err != nil {
		t.Fatalf("wipe: %v", err)
	}
	if _, err := s.Migrate(ctx); err != nil {
		t.Fatalf("migrate: %v", err)
	}
	return s
}

// Cache connects to Redis and empties the test prefix.
func Cache(t testing.TB) *cache.Cache {
	t.Helper()
	c := cache.New(cache.Config{Addr: RedisAddr(), Prefix: "halotest:"})
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := c.Ping(ctx); err != nil {
		unavailable(t, "redis", err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// StripeURL is stripe-mock's address (scripts/stripe-mock.sh, started by scripts/test.sh); the
// test is skipped without it, and fails under CI=true.
func StripeURL(t testing.TB) string {
	t.Helper()
	u := env("HALO_TEST_STRIPE_URL", "http://127.0.0.1:12111")
	req, _ := http.NewRequest("GET", u+"/v1/customers", nil)
	req.Header.Set("Authorization", "Bearer sk_test_123")
	res, err := http.DefaultClient.Do(req)
	if err == nil {
		res.Body.Close()
		if res.StatusCode == 200 {
			return u
		}
		err = fmt.Errorf("HTTP %d", res.StatusCode)
	}
	unavailable(t, "stripe-mock at "+u, err)
	return ""
}
