package api_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/halo-oss/halo/graph"
	"github.com/halo-oss/halo/graph/genealogy"
	"github.com/halo-oss/halo/internal/testenv"
)

func ndjson(lines ...string) string { return strings.Join(lines, "\n") + "\n" }

func (hs *harness) waitImport(id string) map[string]any {
	hs.t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		_, body := hs.call("GET", "/api/v1/imports/"+id, nil)
		if body["status"] != "running" {
			return body
		}
		time.Sleep(50 * time.Millisecond)
	}
	hs.t.Fatalf("import %s still running", id)
	return nil
}

func importFile(hash string) string {
	return ndjson(
		`{"id":"I1","name":"Iris One","email":"i1@example.com","plan":"consultant_plus","sponsor_id":"root","placement":{"parent_id":"root","leg":"left"},"registered_at":"2026-01-02T01:00:00Z","password_hash":"`+hash+`","opening":{"rank":"silver","carry_left":"120.50","carry_right":"0","lifetime_left":"3000","lifetime_right":"2500","wallet_balance":"42.10"}}`,
		`{"id":"I2","name":"Ivan Two","email":"i2@example.com","plan":"consultant","sponsor_id":"I1","placement":{"parent_id":"I1","leg":"left"},"registered_at":"2026-01-02T02:00:00Z"}`,
		``,
		`{"id":"I3","name":"Ines Three","email":"i3@example.com","plan":"affiliate","sponsor_id":"I1","placement":{"parent_id":"I2","leg":"right"},"registered_at":"2026-01-02T03:00:00Z"}`,
		`{"id":"IC","name":"Carl Customer","email":"ic@example.com","plan":"customer","sponsor_id":"I3","registered_at":"2026-01-02T04:00:00Z"}`,
	)
}

func TestImportWritesHistoryWithOpeningStateAndCutover(t *testing.T) {
	hs := newHarness(t)
	hash, _ := bcrypt.GenerateFromPassword([]byte("old-system-password"), bcrypt.MinCost)
	code, body := hs.raw("POST", "/api/v1/members/import?cutover=2026-01-05T00:00:00Z", "application/x-ndjson", importFile(string(hash)))
	if code != 202 || body["status"] != "running" || body["id"] == nil {
		t.Fatalf("import %d %v", code, body)
	}
	job := hs.waitImport(body["id"].(string))
	if job["status"] != "done" || job["lines_total"] != float64(4) || job["lines_written"] != float64(4) || job["cutover"] != "2026-01-05T00:00:00Z" {
		t.Fatalf("job %v", job)
	}
	_, m := hs.call("GET", "/api/v1/members/I3", nil)
	if m["parent_id"] != "I2" || m["leg"] != "right" || m["sponsor_id"] != "I1" || m["imported"] != true || m["depth"] != float64(3) {
		t.Errorf("I3 %v", m)
	}
	_, m = hs.call("GET", "/api/v1/members/I1", nil)
	if m["rank"] != "silver" {
		t.Errorf("opening rank: %v", m)
	}
	n, _ := hs.st.CountForTests(t.Context(), "MATCH (m:Member {id: 'I1', carry_left_cents: 12050, lifetime_left_cents: 300000, lifetime_right_cents: 250000, opening_wallet_cents: 4210}) RETURN count(m) AS n")
	if n != 1 {
		t.Error("opening state not stored")
	}
	if n, _ := hs.st.CountForTests(t.Context(), "MATCH (s:Sale) WHERE s.member_id STARTS WITH 'I' RETURN count(s) AS n"); n != 0 {
		t.Errorf("imported members are history, not sales: %d sales", n)
	}
	// The old system's bcrypt hash logs in.
	if code, body := hs.call("POST", "/api/v1/auth/login", map[string]any{"email": "i1@example.com", "password": "old-system-password"}); code != 200 || body["role"] != "consultant" {
		t.Errorf("login with imported hash: %d %v", code, body)
	}
	// Re-importing the same file is a no-op.
	code, body = hs.raw("POST", "/api/v1/members/import", "application/x-ndjson", importFile(string(hash)))
	if code != 202 {
		t.Fatalf("re-import %d %v", code, body)
	}
	job = hs.waitImport(body["id"].(string))
	if job["status"] != "done" || job["lines_skipped"] != float64(4) {
		t.Errorf("re-import %v", job)
	}
	if n, _ := hs.st.CountForTests(t.Context(), "MATCH (m:Member) RETURN count(m) AS n"); n != 5 {
		t.Errorf("members after re-import: %d", n)
	}
	// A second cutover is refused; a conflicting line is an error.
	if code, body := hs.raw("POST", "/api/v1/members/import?cutover=2026-02-01T00:00:00Z", "application/x-ndjson", importFile(string(hash))); code != 422 {
		t.Errorf("second cutover: %d %v", code, body)
	}
	conflicting := strings.Replace(importFile(string(hash)), "Ivan Two", "Ivan Changed", 1)
	code, body = hs.raw("POST", "/api/v1/members/import", "application/x-ndjson", conflicting)
	if _, _, _ = errOf(body); code != 422 || !strings.Contains(strings.ToLower(body["error"].(map[string]any)["details"].([]any)[0].(map[string]any)["message"].(string)), "other data") {
		t.Errorf("conflicting re-import: %d %v", code, body)
	}
}

func TestImportValidatesTheWholeFileFirst(t *testing.T) {
	hs := newHarness(t)
	hs.register("A", "consultant", "root", at("root", "left"))
	file := ndjson(
		`{"id":"ok1","name":"Ok","email":"ok1@example.com","plan":"consultant","sponsor_id":"root","placement":{"parent_id":"root","leg":"right"},"registered_at":"2026-01-02T00:00:00Z"}`,
		`not json`,
		`{"id":"p1","name":"Plain","email":"p1@example.com","plan":"consultant","sponsor_id":"root","placement":{"parent_id":"ok1","leg":"left"},"registered_at":"2026-01-02T00:00:00Z","password":"plaintext!"}`,
		`{"id":"s1","name":"Slot","email":"s1@example.com","plan":"consultant","sponsor_id":"root","placement":{"parent_id":"root","leg":"left"},"registered_at":"2026-01-02T00:00:00Z"}`,
		`{"id":"o1","name":"Outside","email":"o1@example.com","plan":"consultant","sponsor_id":"ok1","placement":{"parent_id":"A","leg":"left"},"registered_at":"2026-01-02T00:00:00Z"}`,
		`{"id":"u1","name":"Unknown","email":"u1@example.com","plan":"consultant","sponsor_id":"later","placement":{"parent_id":"root","leg":"left"},"registered_at":"2026-01-02T00:00:00Z"}`,
		`{"id":"ok1","name":"Dup","email":"dup@example.com","plan":"customer","sponsor_id":"root","registered_at":"2026-01-02T00:00:00Z"}`,
		`{"id":"h1","name":"Hash","email":"A@example.com","plan":"customer","sponsor_id":"root","registered_at":"2026-01-02T00:00:00Z","password_hash":"md5:abc"}`,
		`{"id":"r1","name":"Rank","email":"r1@example.com","plan":"consultant","sponsor_id":"ok1","placement":{"parent_id":"ok1","leg":"right"},"registered_at":"2026-01-02T00:00:00Z","opening":{"rank":"emperor","carry_left":"-5"}}`,
	)
	code, body := hs.raw("POST", "/api/v1/members/import", "application/x-ndjson", file)
	if code != 422 {
		t.Fatalf("bad file: %d %v", code, body)
	}
	lines := map[float64]string{}
	for _, d := range body["error"].(map[string]any)["details"].([]any) {
		m := d.(map[string]any)
		lines[m["line"].(float64)] += m["message"].(string) + " | "
	}
	for line, want := range map[float64]string{2: "not a member object", 3: "password", 4: "slot", 5: "placement subtree", 6: "sponsor_id", 7: "appears again", 8: "password_hash", 9: "opening.rank"} {
		if !strings.Contains(lines[line], want) {
			t.Errorf("line %v: %q, want it to mention %q", line, lines[line], want)
		}
	}
	if _, bad := lines[1]; bad {
		t.Errorf("line 1 is fine: %s", lines[1])
	}
	if n, _ := hs.st.CountForTests(t.Context(), "MATCH (m:Member) RETURN count(m) AS n"); n != 2 {
		t.Errorf("nothing may be written: %d members", n)
	}
	if code, body := hs.raw("POST", "/api/v1/members/import", "application/x-ndjson", ""); code != 422 {
		t.Errorf("empty file: %d %v", code, body)
	}
	if code, _ := hs.call("GET", "/api/v1/imports/nope", nil); code != 404 {
		t.Errorf("unknown import: %d", code)
	}
}

// failingStore fails the second batch, as a crash or a lost connection would.
type failingStore struct {
	genealogy.ImportStore
	batches int
}

func (f *failingStore) WriteImportBatch(ctx context.Context, id string, rows []genealogy.ImportRow) error {
	f.batches++
	if f.batches == 2 {
		return graph.Unavailable("neo4j", errors.New("connection reset"))
	}
	return f.ImportStore.WriteImportBatch(ctx, id, rows)
}

func TestImportFailingMidwayRemovesWhatItWrote(t *testing.T) {
	hs := newHarness(t)
	done := make(chan struct{})
	svc := &genealogy.ImportService{Store: &failingStore{ImportStore: hs.st}, Plan: hs.srv.Members.Plan, Now: time.Now, Log: testenv.Log(), BatchSize: 2,
		Background: func(f func()) { go func() { f(); close(done) }() }}
	hash, _ := bcrypt.GenerateFromPassword([]byte("x-password"), bcrypt.MinCost)
	job, err := svc.Start(context.Background(), strings.NewReader(importFile(string(hash))), nil, "admin")
	if err != nil {
		t.Fatal(err)
	}
	<-done
	got, err := hs.st.Import(context.Background(), job.ID)
	if err != nil || got.Status != "failed" || !strings.Contains(got.Error, "line 3") {
		t.Fatalf("job %+v %v", got, err)
	}
	if n, _ := hs.st.CountForTests(t.Context(), "MATCH (m:Member) RETURN count(m) AS n"); n != 1 {
		t.Errorf("all or nothing: %d members left, want only the root", n)
	}
	if c, _ := hs.st.Cutover(context.Background()); c != nil {
		t.Errorf("the failed first import's cutover must go too: %v", c)
	}
}

// Issue #17: a replica that starts (or looks) never rolls back an import another replica is
// writing; an import whose writer went silent — its process died — is rolled back.
func TestOnlyOrphanedImportsAreRolledBack(t *testing.T) {
	hs := newHarness(t)
	ctx := context.Background()
	imports := hs.app.Imports
	orphan := genealogy.ImportJob{ID: "imp-orphan", Status: "running", StartedAt: time.Now().UTC().Add(-10 * time.Minute), CreatedBy: "admin"}
	if err := imports.Store.StartImport(ctx, orphan, nil); err != nil {
		t.Fatal(err)
	}
	if err := imports.RecoverInterrupted(ctx); err != nil {
		t.Fatal(err)
	}
	if j, _ := imports.Get(ctx, "imp-orphan"); j.Status != "failed" {
		t.Fatalf("an import silent for ten minutes: %+v", j)
	}
	live := genealogy.ImportJob{ID: "imp-live", Status: "running", StartedAt: time.Now().UTC().Add(-10 * time.Minute), CreatedBy: "admin"}
	if err := imports.Store.StartImport(ctx, live, nil); err != nil {
		t.Fatal(err)
	}
	if err := imports.Store.ImportBeat(ctx, "imp-live", time.Now().UTC()); err != nil { // its writer is alive
		t.Fatal(err)
	}
	if err := imports.RecoverInterrupted(ctx); err != nil {
		t.Fatal(err)
	}
	if j, _ := imports.Get(ctx, "imp-live"); j.Status != "running" {
		t.Fatalf("an import another replica is writing was touched: %+v", j)
	}
}
