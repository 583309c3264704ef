package genealogy

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/halo-oss/halo/engine"
	"github.com/halo-oss/halo/graph"
)

// memImports keeps an import's writes in memory: the network holds only the root.
type memImports struct {
	cutover  *time.Time
	started  []ImportJob
	batches  [][]ImportRow
	status   map[string]string
	rolled   []string
	failOn   int  // the batch whose write fails (1-based; 0 never)
	live     bool // the network has sales of its own
	progress []int64
	adds     []LegAdd
}

func (m *memImports) ExistingMembers(_ context.Context, ids []string) (map[string]ExistingMember, error) {
	out := map[string]ExistingMember{}
	for _, id := range ids {
		if id == "root" {
			out[id] = ExistingMember{ID: "root", Plan: "consultant_plus", Email: "root@example.com", RegisteredAt: rootAt}
		}
	}
	return out, nil
}

func (m *memImports) EmailsTaken(_ context.Context, emails []string) (map[string]string, error) {
	out := map[string]string{}
	for _, e := range emails {
		if e == "root@example.com" {
			out[e] = "root"
		}
	}
	return out, nil
}

func (m *memImports) PlacementInside(_ context.Context, pairs [][2]string) (map[[2]string]bool, error) {
	out := map[[2]string]bool{}
	for _, p := range pairs {
		out[p] = p[0] == "root" // everything hangs below the root
	}
	return out, nil
}

func (m *memImports) Cutover(context.Context) (*time.Time, error) { return m.cutover, nil }
func (m *memImports) LiveNetwork(context.Context) (bool, error)   { return m.live, nil }

func (m *memImports) StartImport(_ context.Context, job ImportJob, cutover *time.Time) error {
	m.started = append(m.started, job)
	if cutover != nil {
		m.cutover = cutover
	}
	return nil
}

func (m *memImports) WriteImportBatch(_ context.Context, _ string, rows []ImportRow) error {
	if len(m.batches)+1 == m.failOn {
		return graph.Unavailable("neo4j", errors.New("connection reset"))
	}
	m.batches = append(m.batches, append([]ImportRow(nil), rows...))
	return nil
}

func (m *memImports) ImportProgress(_ context.Context, _ string, written int64) error {
	m.progress = append(m.progress, written)
	return nil
}

func (m *memImports) FinishImport(_ context.Context, id, status, _ string) error {
	if m.status == nil {
		m.status = map[string]string{}
	}
	m.status[id] = status
	return nil
}

func (m *memImports) CompleteImport(ctx context.Context, id string, adds []LegAdd) error {
	m.adds = append(m.adds, adds...)
	return m.FinishImport(ctx, id, "done", "")
}

func (m *memImports) RollbackImport(_ context.Context, id string) error {
	m.rolled = append(m.rolled, id)
	return nil
}

func (m *memImports) Import(context.Context, string) (*ImportJob, error)          { return nil, nil }
func (m *memImports) RunningImports(context.Context, time.Time) ([]string, error) { return nil, nil }
func (m *memImports) ImportBeat(context.Context, string, time.Time) error         { return nil }

func importService(st *memImports) *ImportService {
	now := rootAt.AddDate(0, 6, 0)
	return &ImportService{Store: st, Plan: engine.DefaultConfig(), Now: func() time.Time { return now }, BatchSize: 2,
		Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Background: func(f func()) { f() }}
}

const goodFile = `{"id":"a","name":"A","email":"a@example.com","plan":"consultant","sponsor_id":"root","placement":{"parent_id":"root","leg":"left"},"registered_at":"2026-02-01T00:00:00Z","opening":{"rank":"bronze","carry_left":"10","lifetime_left":"25","wallet_balance":"-3.50"}}
{"id":"b","name":"B","email":"b@example.com","plan":"consultant","sponsor_id":"a","placement":{"parent_id":"a","leg":"right"},"registered_at":"2026-02-02T00:00:00Z"}

{"id":"c","name":"C","email":"C@Example.com","plan":"customer","sponsor_id":"b","registered_at":"2026-02-03T00:00:00Z"}
`

// PLAN.md §7: a valid file is written in batches as one job; the first import sets the cutover.
func TestImportWritesAValidFileInBatches(t *testing.T) {
	st := &memImports{}
	s := importService(st)
	woken := 0
	s.Accepted = func() { woken++ }
	job, err := s.Start(context.Background(), strings.NewReader(goodFile), nil, "admin")
	if err != nil {
		t.Fatal(err)
	}
	if job.LinesTotal != 3 || st.cutover == nil || !st.cutover.Equal(s.Now().UTC()) {
		t.Errorf("job %+v, cutover %v", job, st.cutover)
	}
	if len(st.batches) != 2 || len(st.batches[0]) != 2 || st.status[job.ID] != "done" {
		t.Fatalf("batches %v, status %v", st.batches, st.status)
	}
	if woken != 1 {
		t.Errorf("an import wakes the projection once, when it is complete: %d", woken)
	}
	a, b, c := st.batches[0][0], st.batches[0][1], st.batches[1][0]
	if a.Depth != 1 || b.Depth != 2 || b.SDepth != 2 || c.ParentID != "" || c.Email != "c@example.com" {
		t.Errorf("depths and normalization: %+v %+v %+v", a, b, c)
	}
	if !a.HasOpening || a.Rank != "bronze" || a.CarryLeft != 1000 || a.LifetimeLeft != 2500 || a.Wallet != -350 {
		t.Errorf("opening state: %+v", a)
	}
	// Leg counts come from the file; a's subtree (a and b) is added to the existing root's legs.
	if a.LeftCount != 0 || a.RightCount != 1 || b.LeftCount != 0 || b.RightCount != 0 || len(st.adds) != 1 || st.adds[0] != (LegAdd{ID: "a", N: 2}) {
		t.Errorf("leg counts a %d/%d b %d/%d, adds %v", a.LeftCount, a.RightCount, b.LeftCount, b.RightCount, st.adds)
	}
	// A second import keeps the first one's cutover; another cutover is refused.
	other := rootAt.AddDate(0, 1, 0)
	if _, err := s.Start(context.Background(), strings.NewReader(`{"id":"d","name":"D","email":"d@example.com","plan":"customer","sponsor_id":"root","registered_at":"2026-02-03T00:00:00Z"}`), &other, "admin"); graph.KindOf(err) != graph.KindInvalid {
		t.Errorf("a different cutover: %v", err)
	}
}

// A bad file is refused whole, every bad line named, nothing written.
func TestImportRefusesABadFileWhole(t *testing.T) {
	st := &memImports{}
	s := importService(st)
	file := `{"id":"a","name":"A","email":"a@example.com","plan":"consultant","sponsor_id":"root","placement":{"parent_id":"root","leg":"left"},"registered_at":"2026-02-01T00:00:00Z"}
{"id":"a","name":"Again","email":"a2@example.com","plan":"consultant","sponsor_id":"root","registered_at":"2026-02-01T00:00:00Z"}
{"id":"bad id","name":"X","email":"x@example.com","plan":"consultant","sponsor_id":"root","registered_at":"2026-02-01T00:00:00Z"}
{"id":"p","name":"P","email":"a@example.com","plan":"consultant","sponsor_id":"ghost","password":"plain","placement":{"parent_id":"root","leg":"left"},"registered_at":"2026-02-01T00:00:00Z"}
{"id":"q","name":"","email":"root@example.com","plan":"customer","sponsor_id":"root","placement":{"parent_id":"root","leg":"right"}}
not json
{"id":"r","name":"R","email":"r@example.com","plan":"consultant","sponsor_id":"root","placement":{"parent_id":"a","leg":"right"},"registered_at":"2025-12-01T00:00:00Z"}
`
	_, err := s.Start(context.Background(), strings.NewReader(file), nil, "admin")
	e := graph.AsError(err)
	if e.Kind != graph.KindInvalid {
		t.Fatalf("%v", err)
	}
	byLine := map[int][]string{}
	for _, d := range e.Details {
		byLine[d.Line] = append(byLine[d.Line], d.Message)
	}
	want := map[int][]string{
		2: {"id: a appears again (first on line 1)"},
		3: {"id: must match"},
		4: {"password: imports take password_hash", "email: a@example.com is used again (first on line 1)", "sponsor_id: ghost is neither", "placement: the left slot of root is already taken on line 1"},
		5: {"name: is required", "registered_at: is required", "placement: customers are not placed"},
		6: {"not a member object"},
		7: {"registered_at: must not be before the registration of its sponsor root", "registered_at: must not be before the registration of its placement parent a"},
	}
	for line, msgs := range want {
		got := strings.Join(byLine[line], " | ")
		for _, m := range msgs {
			if !strings.Contains(got, m) {
				t.Errorf("line %d: %q lacks %q", line, got, m)
			}
		}
	}
	if _, ok := byLine[1]; ok {
		t.Errorf("line 1 is fine: %v", byLine[1])
	}
	if len(st.started) != 0 || len(st.batches) != 0 {
		t.Error("nothing is written from a bad file")
	}
	if _, err := s.Start(context.Background(), strings.NewReader(""), nil, "admin"); graph.KindOf(err) != graph.KindInvalid {
		t.Errorf("an empty file: %v", err)
	}
}

// A write that fails part-way removes everything the import wrote: all or nothing.
func TestImportRollsBackAFailedWrite(t *testing.T) {
	st := &memImports{failOn: 2}
	s := importService(st)
	s.Accepted = func() { t.Error("a rolled-back import woke the projection") }
	job, err := s.Start(context.Background(), strings.NewReader(goodFile), nil, "admin")
	if err != nil {
		t.Fatal(err)
	}
	if len(st.rolled) != 1 || st.rolled[0] != job.ID || st.status[job.ID] != "failed" {
		t.Errorf("rolled back %v, status %v", st.rolled, st.status)
	}
}

// PLAN.md §7: the cutover says what the earlier system paid. An import into a network with sales
// of its own sets none (those sales stay payable), and an explicit one is refused.
func TestImportIntoALiveNetworkKeepsItsSalesPayable(t *testing.T) {
	st := &memImports{live: true}
	s := importService(st)
	ctx := context.Background()
	at := rootAt.AddDate(0, 1, 0)
	if _, err := s.Start(ctx, strings.NewReader(goodFile), &at, "admin"); graph.KindOf(err) != graph.KindConflict {
		t.Errorf("an explicit cutover on a live network: %v", err)
	}
	job, err := s.Start(ctx, strings.NewReader(goodFile), nil, "admin")
	if err != nil || job.Cutover != nil || st.cutover != nil || st.status[job.ID] != "done" {
		t.Errorf("no cutover is set: %v %+v %v", err, job, st.cutover)
	}
}
