package store_test

import (
	"os"
	"path/filepath"
	"regexp"
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

// What the projection reads by stamp (sales' and cancellations' accepted_at, members'
// created_at) is stamped with the writing transaction's start: that is the time Neo4j lists an
// open write with (payouts/open_accepts), so a read from the oldest open write's start misses
// nothing it will commit (issue #19). A stamp from halod's clock, or from the statement's,
// could fall before the start Neo4j lists.
func TestAcceptedStampsAreTheTransactionsStart(t *testing.T) {
	stamp := regexp.MustCompile(`(accepted_at|created_at)\s*[:=]\s*([^,}\n]+\))`)
	checked := 0
	for _, q := range cypher.Names() {
		text := cypher.MustQuery(q)
		for _, m := range stamp.FindAllStringSubmatch(text, -1) {
			if m[1] == "created_at" && !strings.Contains(text, "plan_at_registration") {
				continue // not a member (a referral, a payment, a run)
			}
			checked++
			if strings.TrimSpace(m[2]) != "datetime.transaction()" {
				t.Errorf("%s stamps %s with %s, not datetime.transaction()", q, m[1], m[2])
			}
		}
	}
	if checked < 8 {
		t.Fatalf("only %d stamps found: the pattern no longer matches the queries", checked)
	}
}
