package graph_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// The one-way dependency rule: cmd -> api -> graph -> engine. graph and the engine never import
// a web framework, a database driver, or the packages that implement graph's interfaces; the
// engine does no I/O and reads no clock.
func TestDependencyRule(t *testing.T) {
	forbiddenAll := []string{"github.com/gin-gonic/", "github.com/neo4j/", "github.com/redis/", "github.com/swaggo/",
		"github.com/halo-oss/halo/api", "github.com/halo-oss/halo/store", "github.com/halo-oss/halo/cache", "github.com/halo-oss/halo/cmd"}
	out, err := exec.Command("go", "list", "-deps", "-f", "{{.ImportPath}}", "github.com/halo-oss/halo/graph/...", "github.com/halo-oss/halo/engine/...").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	for _, dep := range strings.Fields(string(out)) {
		for _, f := range forbiddenAll {
			if strings.HasPrefix(dep, f) {
				t.Errorf("graph/engine depend on %s", dep)
			}
		}
	}
	// The engine's own imports: no I/O packages at all.
	out, err = exec.Command("go", "list", "-f", "{{.ImportPath}}: {{join .Imports \" \"}}", "github.com/halo-oss/halo/engine/...").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	io := map[string]bool{"os": true, "net": true, "net/http": true, "io/ioutil": true, "database/sql": true, "os/exec": true, "syscall": true}
	for _, ln := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		pkg, imps, _ := strings.Cut(ln, ": ")
		for _, imp := range strings.Fields(imps) {
			if io[imp] {
				t.Errorf("%s imports %s: the engine does no I/O", pkg, imp)
			}
		}
	}
	// No clock in the engine: time is only ever an input.
	root := filepath.Join("..", "engine")
	_ = filepath.Walk(root, func(p string, info os.FileInfo, err error) error {
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
