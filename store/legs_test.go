package store_test

import (
	"context"
	"fmt"
	"math/rand"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/halo-oss/halo/engine"
	"github.com/halo-oss/halo/graph/genealogy"
	"github.com/halo-oss/halo/graph/platform"
	"github.com/halo-oss/halo/internal/testenv"
	"github.com/halo-oss/halo/store"
)

// walkedLegs counts every consultant's legs by walking the placement tree (small graphs only).
func walkedLegs(t *testing.T, s *store.Store) map[string][2]int64 {
	t.Helper()
	rows, err := s.QueryForTests(context.Background(), `
MATCH (m:Consultant)
OPTIONAL MATCH (m)-[:LEFT]->()-[:LEFT|RIGHT*0..]->(l)
WITH m, count(DISTINCT l) AS left
OPTIONAL MATCH (m)-[:RIGHT]->()-[:LEFT|RIGHT*0..]->(r)
RETURN m.id AS id, left, count(DISTINCT r) AS right`, nil)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][2]int64{}
	for _, r := range rows {
		out[r["id"].(string)] = [2]int64{r["left"].(int64), r["right"].(int64)}
	}
	return out
}

// settle runs adding passes (four at once, small ones) until nothing is pending.
func settle(t *testing.T, s *store.Store) {
	t.Helper()
	for {
		var wg sync.WaitGroup
		var mu sync.Mutex
		added := 0
		for i := 0; i < 4; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				n, _, err := s.AddPending(context.Background(), 7)
				if err != nil {
					t.Errorf("adding pass: %v", err)
				}
				mu.Lock()
				added += n
				mu.Unlock()
			}()
		}
		wg.Wait()
		if added == 0 || t.Failed() {
			return
		}
	}
}

func sameLegs(t *testing.T, s *store.Store, when string) {
	t.Helper()
	ctx := context.Background()
	for id, want := range walkedLegs(t, s) {
		got, err := s.LegCounts(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if [2]int64{got.Left, got.Right} != want || got.Pending != 0 {
			t.Fatalf("%s: %s has legs %d/%d (%d pending), walking gives %d/%d", when, id, got.Left, got.Right, got.Pending, want[0], want[1])
		}
	}
}

// Issue #19: leg counts are kept for every consultant: each registration (every placement
// strategy, parallel ones included) and each completed import (its subtrees, sized from the
// file) is added to its ancestors by the adding pass, passes running at once never add one
// twice, and the one-time recount of a graph from before they were kept loses no placement
// made while it runs; once nothing is pending they equal a walk of the tree.
func TestLegCountsAreMaintainedAndEqualAWalk(t *testing.T) {
	s := testenv.Store(t)
	ctx := context.Background()
	rootAt := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	b := &platform.Bootstrap{Store: s, AdminEmail: "admin@example.com", AdminPassword: "admin-password", Log: testenv.Log(),
		Root:     platform.RootSpec{ID: "root", Name: "Company", Email: "root@example.com", RegisteredAt: rootAt},
		RootPack: platform.PlanPack{Plan: "consultant_plus", Price: "299.00", BV: "150"}}
	if err := b.Run(ctx); err != nil {
		t.Fatal(err)
	}
	now := rootAt.AddDate(0, 3, 0)
	members := &genealogy.MemberService{Store: s, LegStore: s, Plan: engine.DefaultConfig(), Now: func() time.Time { return now }, RootID: "root"}
	if _, err := s.RecountLegs(ctx, genealogy.LegSizes); err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewSource(19))
	ids := []string{"root"}
	strategies := []string{genealogy.StrategyExtremeLeft, genealogy.StrategyExtremeRight, genealogy.StrategyWeakerLeg, genealogy.StrategyBalanced}
	register := func(id, sponsor, strategy string) {
		at := rootAt.AddDate(0, 1, 0)
		if _, err := members.Register(ctx, genealogy.RegisterRequest{ID: id, Name: "Member " + id, Email: id + "@example.com", Plan: "consultant",
			SponsorID: sponsor, Placement: &genealogy.Placement{Strategy: strategy}, RegisteredAt: &at}); err != nil {
			t.Fatalf("register %s: %v", id, err)
		}
	}
	for i := 0; i < 60; i++ {
		id := fmt.Sprintf("r%02d", i)
		register(id, ids[rng.Intn(len(ids))], strategies[rng.Intn(len(strategies))])
		ids = append(ids, id)
	}
	if c, err := s.LegCounts(ctx, "root"); err != nil || c.Pending != 60 || c.Left+c.Right != 0 {
		t.Fatalf("before the adding pass the root's legs are as they were, with 60 pending: %+v %v", c, err)
	}
	settle(t, s)
	sameLegs(t, s, "after registrations")

	// Parallel registrations under one sponsor: the placement lock serializes them, and every
	// one counts exactly once in every ancestor.
	var wg sync.WaitGroup
	for i := 0; i < 12; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			at := rootAt.AddDate(0, 1, 0)
			if _, err := members.Register(ctx, genealogy.RegisterRequest{ID: fmt.Sprintf("p%02d", i), Name: "Parallel", Email: fmt.Sprintf("p%02d@example.com", i), Plan: "consultant",
				SponsorID: "r05", Placement: &genealogy.Placement{Strategy: strategies[i%len(strategies)]}, RegisteredAt: &at}); err != nil {
				t.Errorf("parallel register %d: %v", i, err)
			}
		}(i)
	}
	wg.Wait()
	settle(t, s)
	sameLegs(t, s, "after parallel registrations")

	// An import hanging three subtrees from two existing members, one of them deep.
	deep := ""
	rows, _ := s.QueryForTests(ctx, "MATCH (c:Consultant) WHERE NOT (c)-[:LEFT]->() RETURN c.id AS id ORDER BY c.depth DESC, c.id LIMIT 1", nil)
	deep = rows[0]["id"].(string)
	rows, _ = s.QueryForTests(ctx, "MATCH (c:Consultant) WHERE NOT (c)-[:RIGHT]->() AND c.id <> $deep RETURN c.id AS id ORDER BY c.id LIMIT 1", map[string]any{"deep": deep})
	other := rows[0]["id"].(string)
	var file strings.Builder
	line := func(id, sponsor, parent, leg string) {
		fmt.Fprintf(&file, `{"id":%q,"name":"Imported %s","email":"%s@example.com","plan":"consultant","sponsor_id":%q,"placement":{"parent_id":%q,"leg":%q},"registered_at":"2026-02-01T00:00:00Z"}`+"\n", id, id, id, sponsor, parent, leg)
	}
	line("i1", deep, deep, "left")
	line("i2", "i1", "i1", "left")
	line("i3", "i1", "i1", "right")
	line("i4", "i3", "i3", "left")
	line("i5", other, other, "right")
	line("i6", "i5", "i5", "right")
	imports := &genealogy.ImportService{Store: s, Plan: engine.DefaultConfig(), Now: func() time.Time { return now }, BatchSize: 2,
		Log: testenv.Log(), Background: func(f func()) { f() }}
	job, err := imports.Start(ctx, strings.NewReader(file.String()), nil, "admin")
	if err != nil {
		t.Fatal(err)
	}
	if j, err := imports.Get(ctx, job.ID); err != nil || j.Status != "done" {
		t.Fatalf("import: %+v %v", j, err)
	}
	settle(t, s)
	sameLegs(t, s, "after an import")

	// A graph from before counts were kept: they are walked until the recount, which counts
	// them once; registrations in between leave them missing rather than wrong.
	if err := s.ExecForTests(ctx, "MATCH (g:Legs) DETACH DELETE g WITH count(*) AS n MATCH (k:Lock {id: 'legs'}) REMOVE k.counted"); err != nil {
		t.Fatal(err)
	}
	register("late", "r10", genealogy.StrategyBalanced)
	if n, _, err := s.AddPending(ctx, 100); err != nil || n != 0 {
		t.Fatalf("nothing is added before the recount: %d %v", n, err)
	}
	sameLegs(t, s, "walked before the recount")
	// Placements made while the recount writes (here: while it counts) are not lost, a newcomer
	// below another newcomer included.
	written, err := s.RecountLegs(ctx, func(links []genealogy.PlacementLink) map[string][2]int64 {
		register("during1", "r20", genealogy.StrategyExtremeRight)
		register("during2", "during1", genealogy.StrategyBalanced)
		register("during3", "root", genealogy.StrategyWeakerLeg)
		return genealogy.LegSizes(links)
	})
	if err != nil || written == 0 {
		t.Fatalf("recount wrote %d: %v", written, err)
	}
	if n, _ := s.CountForTests(ctx, "MATCH (c:Consultant) WHERE NOT EXISTS { MATCH (:Legs {id: c.id}) } RETURN count(c) AS n"); n != 0 {
		t.Fatalf("%d consultants without counts after the recount", n)
	}
	settle(t, s)
	sameLegs(t, s, "after the recount")
	if n, err := s.RecountLegs(ctx, genealogy.LegSizes); err != nil || n != 0 {
		t.Fatalf("a second recount wrote %d: %v", n, err)
	}
	register("later", "late", genealogy.StrategyExtremeLeft)
	settle(t, s)
	sameLegs(t, s, "after the recount and one more registration")
}
