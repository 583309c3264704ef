package graph_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

const module = "github.com/halo-oss/halo/"

// layer is each subdomain's place in the domain: a package imports the kernel, the engine and
// subdomains of a lower layer only, so imports point down and no two subdomains can ever need
// each other. A new subdomain gets a layer here (and a line in the README's package sketch).
var layer = map[string]int{
	"graph":            0, // the kernel: errors, paging, ids and validation, principals, audit, formatting
	"graph/identity":   1, // accounts, sessions, password reset, login limiter
	"graph/genealogy":  2, // members, registration and placement, upgrades, access, imports
	"graph/platform":   2, // start-up (migrations, first admin, root) and readiness
	"graph/sales":      3, // vendors, products, secrets, ingest, holdings
	"graph/billing":    3, // card payments for packs and upgrades
	"graph/payouts":    3, // runs, statements, projection, live counters, wallets, withdrawals
	"graph/field":      3, // knowledge base, webinars and events, registrations, attendance, onboarding
	"graph/dashboards": 4, // the three dashboards, reading the others
	"graph/compliance": 4, // tax profiles, payout methods, KYC, holds; clears payouts' withdrawals
}

func golist(t *testing.T, args ...string) string {
	t.Helper()
	out, err := exec.Command("go", append([]string{"list"}, args...)...).CombinedOutput()
	if err != nil {
		t.Fatalf("go list %v: %v\n%s", args, err, out)
	}
	return string(out)
}

// The one-way dependency rule: cmd -> internal/app -> api -> graph's subdomains -> kernel and
// engine. The domain never imports a web framework, a database driver, a cache client, or the
// packages that implement its interfaces; the engine does no I/O and reads no clock.
func TestDependencyRule(t *testing.T) {
	forbidden := []string{"github.com/gin-gonic/", "github.com/neo4j/", "github.com/redis/", "github.com/swaggo/",
		module + "api", module + "store", module + "cache", module + "cmd", module + "internal", module + "docs"}
	for _, dep := range strings.Fields(golist(t, "-deps", "-f", "{{.ImportPath}}", module+"graph/...", module+"engine/...")) {
		for _, f := range forbidden {
			if strings.HasPrefix(dep, f) {
				t.Errorf("the domain or the engine depends on %s", dep)
			}
		}
	}
}

// Every package under graph/ has a layer, and imports only what is below it.
func TestSubdomainsImportDownward(t *testing.T) {
	for _, ln := range strings.Split(strings.TrimSpace(golist(t, "-f", "{{.ImportPath}}: {{join .Imports \" \"}}", module+"graph/...")), "\n") {
		pkg, imps, _ := strings.Cut(ln, ":")
		name := strings.TrimPrefix(pkg, module)
		own, ok := layer[name]
		if !ok {
			t.Errorf("%s has no layer in deps_test.go: say where it sits", name)
			continue
		}
		for _, imp := range strings.Fields(imps) {
			dep := strings.TrimPrefix(imp, module)
			if dep == imp || strings.HasPrefix(dep, "engine") {
				continue // the standard library, third-party pure libraries, the engine
			}
			if l, ok := layer[dep]; !ok || l >= own {
				t.Errorf("%s (layer %d) imports %s (layer %d): imports point down, toward the kernel", name, own, dep, l)
			}
		}
	}
}

// The kernel is small and feature-free: nothing in it names a subdomain's types.
func TestKernelKnowsNoSubdomain(t *testing.T) {
	files, _ := filepath.Glob("*.go")
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, _ := os.ReadFile(f)
		for sub := range layer {
			if sub != "graph" && strings.Contains(string(b), `"`+module+sub+`"`) {
				t.Errorf("kernel file %s imports %s", f, sub)
			}
		}
	}
}

// The engine's own imports: no I/O packages and no clock — time is only ever an input.
func TestEngineIsPure(t *testing.T) {
	io := map[string]bool{"os": true, "net": true, "net/http": true, "io/ioutil": true, "database/sql": true, "os/exec": true, "syscall": true}
	for _, ln := range strings.Split(strings.TrimSpace(golist(t, "-f", "{{.ImportPath}}: {{join .Imports \" \"}}", module+"engine/...")), "\n") {
		pkg, imps, _ := strings.Cut(ln, ": ")
		for _, imp := range strings.Fields(imps) {
			if io[imp] {
				t.Errorf("%s imports %s: the engine does no I/O", pkg, imp)
			}
		}
	}
	_ = filepath.Walk(filepath.Join("..", "engine"), func(p string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() || !strings.HasSuffix(p, ".go") || strings.HasSuffix(p, "_test.go") {
			return err
		}
		b, _ := os.ReadFile(p)
		if strings.Contains(string(b), "time.Now(") || strings.Contains(string(b), "time.Since(") {
			t.Errorf("%s reads the clock", p)
		}
		return nil
	})
}

// Handlers bind, call a service and respond: the API never reaches past the domain into the
// store, the cache or the composition root.
func TestAPIReachesOnlyTheDomain(t *testing.T) {
	for _, imp := range strings.Fields(golist(t, "-f", "{{join .Imports \" \"}}", module+"api")) {
		for _, f := range []string{module + "store", module + "cache", module + "internal", module + "cmd", "github.com/neo4j/", "github.com/redis/"} {
			if strings.HasPrefix(imp, f) {
				t.Errorf("api imports %s", imp)
			}
		}
	}
}
