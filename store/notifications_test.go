package store_test

import (
	"context"
	"testing"

	"github.com/halo-oss/halo/internal/testenv"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// Issue #19: halod asks Neo4j for no notifications, which nothing reads, so the server skips
// their analysis on every query (a dashboard's reads took a third less time). The same query
// through a driver with the server's default settings does get one, so the check is not empty.
func TestTheStoreAsksForNoNotifications(t *testing.T) {
	s := testenv.Store(t)
	ctx := context.Background()
	const q = "MATCH (m:Member) WHERE m.no_such_property_anywhere = 1 RETURN count(m) AS n"
	cfg := testenv.Neo4jConfig()
	d, err := neo4j.NewDriverWithContext(cfg.URI, neo4j.BasicAuth(cfg.User, cfg.Password, ""))
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close(ctx)
	res, err := neo4j.ExecuteQuery(ctx, d, q, nil, neo4j.EagerResultTransformer)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Summary.Notifications()) == 0 {
		t.Fatal("with the server's defaults the query should get a notification (an unknown property key)")
	}
	got, err := s.NotificationsForTests(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 0 {
		t.Errorf("the store got notifications %v; it should ask for none", got)
	}
}
