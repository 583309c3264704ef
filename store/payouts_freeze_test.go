package store_test

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/halo-oss/halo/engine"
	"github.com/halo-oss/halo/graph/payouts"
	"github.com/halo-oss/halo/internal/testenv"
)

// Issue #19: a draft keeps the node id of each sale it accounts, read with the sale, and its
// commit marks the sale by that id instead of looking it up in the index of every sale. A sale
// whose node is gone by the commit (deleted, written again) is still marked, by its id. The
// freeze lists the sales in the order of their nodes, not of their ids, so that a commit marks
// them one region of the store after another.
func TestCommitMarksSalesByTheNodesTheDraftRead(t *testing.T) {
	s := testenv.Store(t)
	ctx := context.Background()
	// Created last id first: their nodes come in the other order than their ids.
	if err := s.ExecForTests(ctx, `UNWIND ['act:4', 'act:3', 'act:2', 'act:1'] AS id
CREATE (:Sale {id: id, kind: 'activation', member_id: 'cu', vendor_id: 'sun', bv_cents: 1000, occurred_at: datetime('2026-03-02T00:00:00Z'),
  accepted_at: datetime('2026-03-02T00:00:00Z')})`); err != nil {
		t.Fatal(err)
	}
	end := time.Date(2026, 3, 9, 0, 0, 0, 0, time.UTC)
	snap, err := s.LoadSnapshot(ctx, "", end, end.AddDate(0, -1, 0))
	if err != nil {
		t.Fatal(err)
	}
	ref := map[string]int64{}
	for _, sl := range snap.Sales {
		ref[sl.ID] = sl.Ref
	}
	rows, err := s.QueryForTests(ctx, `MATCH (s:Sale) RETURN s.id AS id, id(s) AS node`, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		if id := r["id"].(string); ref[id] != r["node"].(int64)+1 {
			t.Fatalf("%s read with reference %d, its node is %d", id, ref[id], r["node"])
		}
	}
	lines := map[string]string{"act:3": "#0|ana|3|300|0", "act:4": "#1|ana|3|400|0"}
	fr := payouts.Freeze{Sales: []string{"act:1", "act:2", "act:3", "act:4"},
		Unpaid: []string{"act:1", "act:2"}, UnpaidRefs: []int64{ref["act:1"], ref["act:2"]},
		PaidSales: []string{"act:3", "act:4"}, PaidRefs: []int64{ref["act:3"], ref["act:4"]},
		PaidPacked: func(b []byte, i int) []byte { return append(b, lines[[]string{"act:3", "act:4"}[i]]...) },
		Paid:       func(int) []engine.PaidLine { return nil }}
	commit := func(id, base string) {
		t.Helper()
		run := payouts.Run{ID: id, Status: "writing", PeriodEnd: end, CreatedAt: end, CreatedBy: "admin", Base: base}
		if err := s.SaveDraft(ctx, run, func(func(payouts.Statement) bool) {}, fr); err != nil {
			t.Fatal(err)
		}
		kept, err := s.QueryForTests(ctx, `MATCH (f:RunFreeze {run_id: $run}) RETURN f.sales_nodes AS sales, f.paid_nodes AS paid,
  f.sales AS unpaid_ids, f.paid_sales AS paid_ids, f.paid_lines AS lines`, map[string]any{"run": id})
		if err != nil || len(kept) != 1 {
			t.Fatalf("freeze %v %v", kept, err)
		}
		// In node order: ids, nodes and paid lines alike.
		inNodeOrder := func(ids []string, refs []int64, field func(k int) string) string {
			order := make([]int, len(ids))
			for k := range order {
				order[k] = k
			}
			slices.SortFunc(order, func(a, b int) int { return int(refs[a] - refs[b]) })
			var out []string
			for _, k := range order {
				out = append(out, field(k))
			}
			return strings.Join(out, "\n")
		}
		nodes := func(refs []int64) func(int) string {
			return func(k int) string { return strconv.FormatInt(refs[k]-1, 10) }
		}
		if kept[0]["sales"] != inNodeOrder(fr.Unpaid, fr.UnpaidRefs, nodes(fr.UnpaidRefs)) || kept[0]["paid"] != inNodeOrder(fr.PaidSales, fr.PaidRefs, nodes(fr.PaidRefs)) {
			t.Errorf("the freeze keeps nodes %q and %q", kept[0]["sales"], kept[0]["paid"])
		}
		if kept[0]["unpaid_ids"] != inNodeOrder(fr.Unpaid, fr.UnpaidRefs, func(k int) string { return fr.Unpaid[k] }) ||
			kept[0]["paid_ids"] != inNodeOrder(fr.PaidSales, fr.PaidRefs, func(k int) string { return fr.PaidSales[k] }) ||
			kept[0]["lines"] != inNodeOrder(fr.PaidSales, fr.PaidRefs, func(k int) string { return lines[fr.PaidSales[k]] }) {
			t.Errorf("the freeze lists %q, %q and %q, not in node order", kept[0]["unpaid_ids"], kept[0]["paid_ids"], kept[0]["lines"])
		}
		if id == "run-nodes" && (kept[0]["paid_ids"] != "act:4\nact:3" || kept[0]["unpaid_ids"] != "act:2\nact:1") {
			t.Errorf("the freeze lists %q and %q: the sales created last id first should come last id first", kept[0]["paid_ids"], kept[0]["unpaid_ids"])
		}
		if _, err := s.Commit(ctx, id, "admin", end.Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		marked, err := s.QueryForTests(ctx, `MATCH (s:Sale) RETURN s.id AS id, s.accounted_by AS run, s.paid AS paid ORDER BY id`, nil)
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, m := range marked {
			sid := m["id"].(string)
			ids = append(ids, sid)
			if m["run"] != id {
				t.Errorf("%s: accounted by %v, want %s", sid, m["run"], id)
			}
			if p, _ := m["paid"].(string); p != lines[sid] {
				t.Errorf("%s: paid %q, want %q", sid, p, lines[sid])
			}
		}
		if !slices.Equal(ids, fr.Sales) {
			t.Errorf("sales %v", ids)
		}
	}
	// Found by node id: written with the label, the planner seeks the id in the index again.
	plan, err := s.PlanForTests(ctx, "payouts/run_commit_freeze_nodes", map[string]any{"run": "r", "sales": []string{"a"}, "sales_nodes": []int64{1},
		"paid_sales": []string{"b"}, "paid_nodes": []int64{2}, "paid_lines": []string{"l"}})
	if err != nil {
		t.Fatal(err)
	}
	if seeks := strings.Count(strings.Join(plan, " "), "NodeByIdSeek"); seeks < 2 || strings.Contains(strings.Join(plan, " "), "Index") {
		t.Errorf("the commit should find sales by node id: %v", plan)
	}
	commit("run-nodes", "")
	// A paid and an unpaid sale written again since the draft read them: new nodes.
	if err := s.ExecForTests(ctx, `MATCH (s:Sale) WHERE s.id IN ['act:2', 'act:4'] WITH s, properties(s) AS p DETACH DELETE s
WITH p CREATE (n:Sale) SET n = p, n.accounted_by = null, n.paid = null`); err != nil {
		t.Fatal(err)
	}
	if err := s.ExecForTests(ctx, `MATCH (s:Sale) SET s.accounted_by = null, s.paid = null`); err != nil {
		t.Fatal(err)
	}
	commit("run-moved", "run-nodes")
}
