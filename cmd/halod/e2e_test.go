package main

import (
	"context"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/halo-oss/halo/cache"
	"github.com/halo-oss/halo/internal/testenv"
)

// The back office end to end (issue #13): a real halod, built from this tree with the web app
// embedded, on the test stack with the demo seeded, driven by Playwright in Debian's Chromium
// (web/e2e/run.mjs). scripts/test.sh builds the web app and installs Chromium first; under CI=true
// a missing piece fails the test.
func TestBackOfficeInABrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("browser tests are not short")
	}
	root, _ := filepath.Abs("../..")
	missing := func(what string, err error) {
		if testenv.CI() {
			t.Fatalf("%s is required under CI=true: %v (scripts/test.sh provides it)", what, err)
		}
		t.Skipf("%s unavailable (%v); run scripts/test.sh", what, err)
	}
	need := func(what, path string) {
		if _, err := os.Stat(path); err != nil {
			missing(what, err)
		}
	}
	need("the built web app", filepath.Join(root, "web/static/app/index.html"))
	need("the browser test packages", filepath.Join(root, "web/node_modules/playwright-core"))
	chromium := os.Getenv("HALO_CHROMIUM")
	if chromium == "" {
		chromium = "/usr/bin/chromium"
	}
	need("Chromium", chromium)
	node, err := exec.LookPath("node")
	if err != nil {
		missing("Node.js", err)
	}

	// A fresh graph and cache, then halod itself: seed-demo, serve.
	testenv.Store(t)
	testenv.Cache(t)
	if err := cache.New(cache.Config{Addr: testenv.RedisAddr()}).FlushForTests(context.Background()); err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(t.TempDir(), "halod")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build halod: %v\n%s", err, out)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	cfg := testenv.Neo4jConfig()
	// The routing scheme a Neo4j cluster or Aura needs (reads to any member, writes to the
	// leader): halod runs the whole browser suite through it against the single test server.
	uri := strings.Replace(cfg.URI, "bolt://", "neo4j://", 1)
	env := append(os.Environ(), "HALO_ADDR="+addr, "HALO_DEV=true", "NEO4J_URI="+uri, "NEO4J_USER="+cfg.User, "NEO4J_PASSWORD="+cfg.Password,
		"REDIS_ADDR="+testenv.RedisAddr(), "HALO_ADMIN_EMAIL=admin@halo.local", "HALO_ADMIN_PASSWORD=admin-demo-password",
		"HALO_ROOT_REGISTERED_AT="+time.Now().UTC().AddDate(0, 0, -90).Truncate(24*time.Hour).Format(time.RFC3339), "HALO_LOG_LEVEL=warn", "HALO_WARMUP=10s",
		// Card payments against stripe-mock; the browser test signs Stripe's webhook with this secret.
		"STRIPE_SECRET_KEY=sk_test_123", "STRIPE_WEBHOOK_SECRET=whsec_e2e", "STRIPE_API_URL="+testenv.StripeURL(t))
	logs, err := os.Create(filepath.Join(t.TempDir(), "halod.log"))
	if err != nil {
		t.Fatal(err)
	}
	seed := exec.Command(bin, "seed-demo")
	seed.Env, seed.Stdout, seed.Stderr = env, logs, logs
	if err := seed.Run(); err != nil {
		t.Fatalf("seed-demo: %v (log %s)", err, logs.Name())
	}
	serve := exec.Command(bin, "serve")
	serve.Env, serve.Stdout, serve.Stderr = env, logs, logs
	if err := serve.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = serve.Process.Signal(os.Interrupt)
		done := make(chan struct{})
		go func() { _ = serve.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			_ = serve.Process.Kill()
		}
	})
	url := "http://" + addr
	deadline := time.Now().Add(60 * time.Second)
	for {
		res, err := http.Get(url + "/readyz")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == 200 {
				break
			}
		}
		if time.Now().After(deadline) {
			b, _ := os.ReadFile(logs.Name())
			t.Fatalf("halod did not become ready: %v\n%s", err, b)
		}
		time.Sleep(200 * time.Millisecond)
	}

	shots := os.Getenv("HALO_E2E_SHOTS")
	if shots == "" {
		shots = filepath.Join(root, "web/test-results")
	}
	cmd := exec.Command(node, "e2e/run.mjs")
	cmd.Dir = filepath.Join(root, "web")
	cmd.Env = append(os.Environ(), "HALO_URL="+url, "HALO_CHROMIUM="+chromium, "HALO_E2E_SHOTS="+shots, "HALO_STRIPE_WEBHOOK_SECRET=whsec_e2e")
	out, err := cmd.CombinedOutput()
	t.Logf("browser tests:\n%s", out)
	if err != nil {
		b, _ := os.ReadFile(logs.Name())
		t.Fatalf("browser tests failed: %v\nhalod log (last 4 KB):\n%s", err, tail(b, 4096))
	}
}

func tail(b []byte, n int) []byte {
	if len(b) > n {
		return b[len(b)-n:]
	}
	return b
}
