package store_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/halo-oss/halo/cypher"
	"github.com/halo-oss/halo/graph/dashboards"
	"github.com/halo-oss/halo/internal/testenv"
	"github.com/halo-oss/halo/store"
)

// Issue #19: once WarmPlans has run, the API's frequent reads find their plans made, for
// short (imported) and long (generated) member ids alike: the dashboards' and the session
// check's reads plan for a fraction of the time the warm-up's did (Neo4j's query collector
// times every invocation's planning).
func TestWarmPlansLeavesTheAPIsFrequentReadsPlanned(t *testing.T) {
	s := testenv.Store(t)
	ctx := context.Background()
	exec := func(q string) {
		t.Helper()
		if err := s.ExecForTests(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	exec(`CREATE (ana:Member:Consultant {id: 'ana', name: 'Ana', plan: 'consultant', registered_at: datetime('2026-01-01T00:00:00Z')})
CREATE (:Member {id: 'mia', name: 'Mia', plan: 'customer', sponsor_id: 'ana', registered_at: datetime('2026-01-02T00:00:00Z')})
CREATE (:Member:Consultant {id: 'm-0123456789abcdef', name: 'Bo', plan: 'consultant', sponsor_id: 'ana', registered_at: datetime('2026-01-03T00:00:00Z')})
CREATE (:Member {id: 'm-fedcba9876543210', name: 'Cy', plan: 'customer', sponsor_id: 'ana', registered_at: datetime('2026-01-04T00:00:00Z')})`)
	// Neo4j also replans when its statistics move, and the test database is shared with the
	// rest of the suite: a plan remade in the API's reads by that is not the defect sought. A
	// missing plan shows in every attempt, so the check passes when one attempt of three is clean.
	var failures []string
	for attempt := 1; attempt <= 3; attempt++ {
		if failures = warmAttempt(t, s, exec); len(failures) == 0 {
			return
		}
		t.Logf("attempt %d: %v", attempt, failures)
	}
	for _, f := range failures {
		t.Error(f)
	}
}

func warmAttempt(t *testing.T, s *store.Store, exec func(string)) []string {
	ctx := context.Background()
	exec(`CALL db.clearQueryCaches()`)
	exec(`CALL db.stats.clear('QUERIES')`)
	exec(`CALL db.stats.collect('QUERIES')`)
	defer exec(`CALL db.stats.stop('QUERIES')`)

	now := time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)
	if err := s.WarmPlans(ctx, now); err != nil {
		t.Fatal(err)
	}
	ours := [][2]string{{"ana", "mia"}, {"m-0123456789abcdef", "m-fedcba9876543210"}}
	for _, ids := range ours {
		if _, err := s.ConsultantData(ctx, dashboards.ConsultantQuery{ID: ids[0], RecruitsSince: now.AddDate(0, 0, -30), Now: now, HeldLimit: 100, UpcomingLimit: 20}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.CustomerData(ctx, dashboards.CustomerQuery{ID: ids[1], Now: now, UpcomingLimit: 20}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Revoked(ctx, "0123456789abcdef01234567", ids[0], now); err != nil {
			t.Fatal(err)
		}
	}

	// Invocations are told apart by their parameters: the warm-up's ids, or this test's members.
	// Other invocations of the same queries are ignored: in CI an earlier test of this package
	// was seen still reading as this one ran (it was the only client connected).
	rows, err := s.QueryForTests(ctx, `CALL db.stats.retrieve('QUERIES') YIELD data
UNWIND data.invocations AS i
RETURN data.query AS query, i.elapsedCompileTimeInUs AS compile, coalesce(i.params.id, i.params.member, i.params.account, '') AS who`, nil)
	if err != nil {
		t.Fatal(err)
	}
	api := map[string]bool{}
	for _, ids := range ours {
		api[ids[0]], api[ids[1]] = true, true
	}
	type times struct{ warm, api []int64 }
	byQuery := map[string]*times{}
	for _, r := range rows {
		q, who := r["query"].(string), r["who"].(string)
		if byQuery[q] == nil {
			byQuery[q] = &times{}
		}
		switch {
		case strings.HasPrefix(who, "warm-up"):
			byQuery[q].warm = append(byQuery[q].warm, r["compile"].(int64))
		case api[who]:
			byQuery[q].api = append(byQuery[q].api, r["compile"].(int64))
		}
	}
	var failures []string
	for _, name := range []string{"dashboards/dashboard_consultant",
		"dashboards/dashboard_customer", "identity/session_revoked"} {
		tm := byQuery[cypher.MustQuery(name)]
		if tm == nil || len(tm.warm) == 0 || len(tm.api) < 2 {
			failures = append(failures, fmt.Sprintf("%s: invocations %+v, want the warm-up's and the API's", name, tm))
			continue
		}
		planned := slices.Max(tm.warm)
		for _, c := range tm.api {
			if c*4 > planned {
				failures = append(failures, fmt.Sprintf("%s: planned in %d µs at the warm-up, then %v µs in the API's reads: not kept", name, planned, tm.api))
				break
			}
		}
	}
	return failures
}

// Issue #19: the API's hottest reads are planned once and kept (`CYPHER replan=skip`), so a
// commit or an import that moves the statistics does not have Neo4j plan them again under
// load. A kept plan is made on whatever the database held then, an empty one included: so each
// lookup must be a unique or named index, and a label scan only of a label that stays small.
func TestKeptPlansScanNoLargeLabel(t *testing.T) {
	s := testenv.Store(t)
	ctx := context.Background()
	small := map[string]bool{"OnboardingTrack": true, "PayoutRun": true, "Admin": true}
	now := time.Now().UTC().Format(time.RFC3339)
	params := map[string]any{"id": "x", "since": now, "held_limit": 1, "now": now, "upcoming_limit": 1, "jti": "x", "account": "x", "issued": now}
	kept := 0
	for _, name := range cypher.Names() {
		if !strings.HasPrefix(cypher.MustQuery(name), "CYPHER replan=skip") {
			continue
		}
		kept++
		plan, err := s.PlanDetailsForTests(ctx, name, params)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		for _, op := range plan {
			switch {
			case strings.HasPrefix(op, "AllNodesScan"):
				t.Errorf("%s scans all nodes: %s", name, op)
			case strings.HasPrefix(op, "NodeByLabelScan"):
				_, label, _ := strings.Cut(op, ":")
				if label = strings.Fields(label + " ")[0]; !small[label] {
					t.Errorf("%s scans a large label, a plan not to keep: %s", name, op)
				}
			}
		}
	}
	if kept < 3 {
		t.Errorf("%d kept plans: the dashboards' reads and the session check should be", kept)
	}
}
