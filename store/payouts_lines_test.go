package store_test

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/halo-oss/halo/engine"
	"github.com/halo-oss/halo/graph"
	"github.com/halo-oss/halo/graph/payouts"
	"github.com/halo-oss/halo/internal/testenv"
)

// Issue #19: a statement's lines are packed into one property. Statements written before, as
// parallel lists, read exactly alike through every reader: the member's statement with its
// explanations, pages of lines of any size, and the analysts' earnings.
func TestPackedStatementsReadLikeListedOnes(t *testing.T) {
	s := testenv.Store(t)
	ctx := context.Background()
	end := time.Date(2026, 3, 9, 0, 0, 0, 0, time.UTC)
	detail := &engine.Detail{Left: 40000, Right: 25000, Pair: 25000, Cap: 100000}
	line := func(i int, typ engine.LineType, amt int64, src, vendor string) payouts.StatementLine {
		return payouts.StatementLine{Index: i, Type: typ, Amount: engine.Units(amt), Source: src, Vendor: vendor, Generation: i % 3,
			Basis: engine.Basis{Base: engine.Units(amt * 10), Rate: 1000, Skipped: int32(i % 2)}}
	}
	bin := line(0, engine.LineBinary, 2500, "", "")
	bin.Basis.Detail = detail
	rs := line(2, engine.LineRevenueShare, 120, "act:sun|1\x1f", "sun")
	rs.Compressed = []string{"m9", "m8"}
	stmts := []payouts.Statement{
		{MemberID: "m1", Consultant: true, State: engine.MemberResult{State: engine.State{Rank: "bronze", CarryLeft: 15000}, Active: true},
			Lines: []payouts.StatementLine{bin, line(1, engine.LineDirect, 900, "pack:m2", ""), rs}},
		{MemberID: "m2", Consultant: true},
		{MemberID: "m3", Lines: []payouts.StatementLine{line(3, engine.LineRetail, 300, "act:sun:7", "sun"), line(4, engine.LineRetail, 200, "act:sun:8", "sun"),
			line(5, engine.LineRevenueShare, 75, "act:bat:1", "bat")}},
	}
	run := payouts.Run{ID: "run-packed", Status: "writing", PeriodEnd: end, CreatedAt: end, CreatedBy: "admin"}
	if err := s.SaveDraft(ctx, run, func(yield func(payouts.Statement) bool) {
		for _, st := range stmts {
			if !yield(st) {
				return
			}
		}
	}, payouts.Freeze{}); err != nil {
		t.Fatal(err)
	}
	// The same statements as written before lines were packed.
	q := `MATCH (r:PayoutRun {id: 'run-packed'}) CREATE (c:PayoutRun) SET c = r {.*, id: 'run-listed'}`
	if err := s.ExecForTests(ctx, q); err != nil {
		t.Fatal(err)
	}
	lit := func(v any) string { b, _ := json.Marshal(v); return string(b) }
	for _, st := range stmts {
		var idx, amt, gen, base, rate, skip []int64
		var typ, src, rev, ven, comp, det []string
		var total int64
		for _, l := range st.Lines {
			idx, amt, gen = append(idx, int64(l.Index)), append(amt, int64(l.Amount)), append(gen, int64(l.Generation))
			base, rate, skip = append(base, int64(l.Basis.Base)), append(rate, int64(l.Basis.Rate)), append(skip, int64(l.Basis.Skipped))
			typ, src, rev, ven = append(typ, l.Type.String()), append(src, l.Source), append(rev, l.ReversalOf), append(ven, l.Vendor)
			comp = append(comp, strings.Join(l.Compressed, ","))
			d := ""
			if l.Basis.Detail != nil {
				d = lit(l.Basis.Detail)
			}
			det = append(det, d)
			total += int64(l.Amount)
		}
		list := func(xs any) string {
			if reflect.ValueOf(xs).Len() == 0 {
				return "[]"
			}
			return lit(xs)
		}
		q := fmt.Sprintf(`CREATE (:Statement {run_id: 'run-listed', member_id: %s, consultant: %t, total_cents: %d, rank: %s, active: %t,
  carry_left_cents: %d, carry_right_cents: 0, lifetime_left_cents: 0, lifetime_right_cents: 0, pv_cents: 0,
  l_idx: %s, l_type: %s, l_amount: %s, l_source: %s, l_gen: %s, l_rev: %s, l_vendor: %s, l_base: %s, l_rate: %s, l_skip: %s, l_comp: %s, l_detail: %s})`,
			lit(st.MemberID), st.Consultant, total, lit(st.State.Rank), st.State.Active, int64(st.State.CarryLeft),
			list(idx), list(typ), list(amt), list(src), list(gen), list(rev), list(ven), list(base), list(rate), list(skip), list(comp), list(det))
		if err := s.ExecForTests(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	unrun := func(id string) string { return id[strings.LastIndex(id, "-"):] }
	for _, st := range stmts {
		a, err := s.Statement(ctx, "run-packed", st.MemberID)
		if err != nil {
			t.Fatal(err)
		}
		b, err := s.Statement(ctx, "run-listed", st.MemberID)
		if err != nil {
			t.Fatal(err)
		}
		if len(a.Lines) != len(st.Lines) {
			t.Fatalf("%s: %d lines, want %d", st.MemberID, len(a.Lines), len(st.Lines))
		}
		for i := range a.Lines {
			if a.Lines[i].SourceID != st.Lines[i].Source || a.Lines[i].Amount != st.Lines[i].Amount.String() {
				t.Errorf("%s line %d: %+v, want %+v", st.MemberID, i, a.Lines[i], st.Lines[i])
			}
			a.Lines[i].ID, b.Lines[i].ID = unrun(a.Lines[i].ID), unrun(b.Lines[i].ID)
		}
		a.RunID, b.RunID = "", ""
		if !reflect.DeepEqual(a, b) {
			t.Errorf("%s: packed %+v\nlisted %+v", st.MemberID, a, b)
		}
	}
	if m1, _ := s.Statement(ctx, "run-packed", "m1"); m1.Lines[0].Explanation.Right != "250.00" || len(m1.Lines[2].Explanation.CompressedMembers) != 2 {
		t.Errorf("the lines' details are lost: %+v", m1.Lines)
	}
	pages := func(runID string, size int) []payouts.RunLine {
		var all []payouts.RunLine
		from := payouts.LineKey{}
		for {
			page, next, err := s.Lines(ctx, runID, from, size)
			if err != nil {
				t.Fatal(err)
			}
			if len(page) > size {
				t.Fatalf("a page of %d lines for a limit of %d", len(page), size)
			}
			for _, l := range page {
				l.ID = unrun(l.ID)
				all = append(all, l)
			}
			if next == nil {
				return all
			}
			from = *next
		}
	}
	whole := pages("run-packed", 1000)
	if len(whole) != 6 {
		t.Fatalf("%d lines in the run, want 6", len(whole))
	}
	for _, size := range []int{1, 2, 3, 5} {
		if got := pages("run-packed", size); !reflect.DeepEqual(got, whole) {
			t.Errorf("pages of %d: %+v", size, got)
		}
		if got := pages("run-listed", size); !reflect.DeepEqual(got, whole) {
			t.Errorf("listed, pages of %d: %+v", size, got)
		}
	}
	if err := s.ExecForTests(ctx, `MATCH (r:PayoutRun) WHERE r.id IN ['run-packed', 'run-listed'] SET r.status = 'committed'`); err != nil {
		t.Fatal(err)
	}
	// Written as background work while the API is in use (graph.GiveWay): it rests and writes
	// smaller batches (here two earnings at a time, so five are three writes), and writes
	// exactly the same.
	var fg graph.Foreground
	defer fg.Enter()()
	s.SetEarningsPartForTests(2)
	if _, err := s.WriteMissingEarnings(graph.GiveWay(ctx, &fg, 1)); err != nil {
		t.Fatal(err)
	}
	earnings := func(runID string) []map[string]any {
		rows, err := s.QueryForTests(ctx, `MATCH (e:Earning {run_id: $run}) RETURN e.member_id AS member, e.type AS type, e.vendor AS vendor,
  e.amount_cents AS cents, e.lines AS lines ORDER BY member, type, vendor`, map[string]any{"run": runID})
		if err != nil {
			t.Fatal(err)
		}
		return rows
	}
	packed := earnings("run-packed")
	if len(packed) != 5 || packed[3]["cents"] != int64(500) || packed[3]["lines"] != int64(2) || packed[3]["vendor"] != "sun" {
		t.Errorf("earnings: %v", packed)
	}
	if listed := earnings("run-listed"); !reflect.DeepEqual(packed, listed) {
		t.Errorf("earnings differ:\npacked %v\nlisted %v", packed, listed)
	}
}

// Issue #19: what a committed run paid for a sale is kept as one string (`paid`), its own lines
// by index relative to the run that accounted the sale (`#7` for line 7 of run-1); sales paid
// before keep a list (`paid_lines`) or a string of whole ids. A later clawback (§6) or refund
// (§11) reads all three alike.
func TestPaidLinesReadInBothForms(t *testing.T) {
	s := testenv.Store(t)
	ctx := context.Background()
	lines := []engine.PaidLine{{ID: "run-1-7", Member: "ana", Type: engine.LineRetail, Amount: 3000},
		{ID: "run-1-8", Member: "root", Type: engine.LineRevenueShare, Amount: 120, Generation: 1}}
	whole := make([]string, len(lines))
	for i, p := range lines {
		whole[i] = payouts.EncodePaid("", p)
	}
	list, _ := json.Marshal(whole)
	packed := payouts.EncodePaidLines("run-1", lines)
	if !strings.HasPrefix(packed, "#7|") {
		t.Fatalf("a run's own line is kept by index: %q", packed)
	}
	q := fmt.Sprintf(`CREATE (old:Sale {id: 'act:old', kind: 'activation', accounted_by: 'run-1', paid_lines: %s, occurred_at: datetime('2026-03-01T00:00:00Z')})
CREATE (mid:Sale {id: 'act:mid', kind: 'activation', accounted_by: 'run-1', paid: %q, occurred_at: datetime('2026-03-01T00:00:00Z')})
CREATE (new:Sale {id: 'act:new', kind: 'activation', accounted_by: 'run-1', paid: %q, occurred_at: datetime('2026-03-01T00:00:00Z')})
CREATE (:Cancellation {id: 'c-old', occurred_at: datetime('2026-03-05T00:00:00Z')})-[:CANCELS]->(old)
CREATE (:Cancellation {id: 'c-mid', occurred_at: datetime('2026-03-05T00:00:00Z')})-[:CANCELS]->(mid)
CREATE (:Cancellation {id: 'c-new', occurred_at: datetime('2026-03-05T00:00:00Z')})-[:CANCELS]->(new)
CREATE (:Refund {id: 'f-old', occurred_at: datetime('2026-03-05T00:00:00Z')})-[:REFUNDS]->(old)
CREATE (:Refund {id: 'f-mid', occurred_at: datetime('2026-03-05T00:00:00Z')})-[:REFUNDS]->(mid)
CREATE (:Refund {id: 'f-new', occurred_at: datetime('2026-03-05T00:00:00Z')})-[:REFUNDS]->(new)`, list, strings.Join(whole, ";"), packed)
	if err := s.ExecForTests(ctx, q); err != nil {
		t.Fatal(err)
	}
	end := time.Date(2026, 3, 9, 0, 0, 0, 0, time.UTC)
	snap, err := s.LoadSnapshot(ctx, "", end, end.AddDate(0, -1, 0))
	if err != nil {
		t.Fatal(err)
	}
	if len(snap.Cancellations) != 3 || len(snap.Refunds) != 3 {
		t.Fatalf("%d cancellations, %d refunds", len(snap.Cancellations), len(snap.Refunds))
	}
	for _, c := range snap.Cancellations {
		if !reflect.DeepEqual(c.Paid, lines) || !c.ActivationAccounted {
			t.Errorf("cancellation %s: paid %+v", c.ID, c.Paid)
		}
	}
	for _, f := range snap.Refunds {
		if !reflect.DeepEqual(f.Paid, lines) || !f.SaleAccounted {
			t.Errorf("refund %s: paid %+v", f.ID, f.Paid)
		}
	}
}

// Background reads give way to the API (graph.GiveWay): a paced stream rests between blocks of
// rows while requests are under way, and still reads every row, in order.
func TestPacedSnapshotReadsTheSame(t *testing.T) {
	s := testenv.Store(t)
	ctx := context.Background()
	if err := s.ExecForTests(ctx, `UNWIND range(1, 6000) AS i
CREATE (:Member:Consultant {id: 'p' + i, plan: 'consultant', sponsor_id: 'root', parent_id: 'root', leg: 'left',
  registered_at: datetime('2026-03-01T00:00:00Z')})`); err != nil {
		t.Fatal(err)
	}
	end := time.Date(2026, 3, 9, 0, 0, 0, 0, time.UTC)
	start := time.Now()
	plain, err := s.LoadSnapshot(ctx, "", end, end.AddDate(0, -1, 0))
	if err != nil {
		t.Fatal(err)
	}
	fast := time.Since(start)
	var fg graph.Foreground
	leave := fg.Enter()
	start = time.Now()
	paced, err := s.LoadSnapshot(graph.GiveWay(ctx, &fg, 20), "", end, end.AddDate(0, -1, 0))
	if err != nil {
		t.Fatal(err)
	}
	slow := time.Since(start)
	leave()
	if len(paced.Members) < 6000 || !reflect.DeepEqual(plain.Members, paced.Members) {
		t.Fatalf("paced read: %d members, unpaced %d, or not the same", len(paced.Members), len(plain.Members))
	}
	// Five blocks of 1,024 rows, each followed by a rest of 20 times its reading.
	if slow < 2*fast {
		t.Errorf("the paced read took %v against %v unpaced: it did not rest", slow, fast)
	}
	t.Logf("6,000 members: %v unpaced, %v giving way", fast, slow)
}
