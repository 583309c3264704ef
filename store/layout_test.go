package store_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/halo-oss/halo/cypher"
)

// Every query file belongs to the subdomain whose store file runs it, and none is dead: each
// "<subdomain>/<name>" is named by a store file of that subdomain (store/<subdomain>*.go; the
// kernel's audit log in audit.go, start-up and readiness in platform.go and store.go).
func TestQueriesLiveWithTheirSubdomain(t *testing.T) {
	files, _ := filepath.Glob("*.go")
	src := map[string]string{}
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		src[f] = string(b)
	}
	names := cypher.Names()
	if len(names) == 0 {
		t.Fatal("no queries embedded")
	}
	for _, q := range names {
		sub, _, ok := strings.Cut(q, "/")
		if !ok {
			t.Errorf("%s is not in a subdomain folder", q)
			continue
		}
		found := false
		for f, s := range src {
			if strings.Contains(s, `"`+q+`"`) {
				found = true
				if home := strings.TrimSuffix(f, ".go"); !strings.HasPrefix(home, sub) && !(sub == "platform" && home == "store") {
					t.Errorf("%s is run from %s, outside its subdomain's files", q, f)
				}
			}
		}
		if !found {
			t.Errorf("query %s is never run", q)
		}
	}
}
