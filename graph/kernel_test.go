package graph

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/halo-oss/halo/engine"
)

func TestCursorsAndPages(t *testing.T) {
	fetch := func(off, lim int) ([]int, bool, error) {
		var out []int
		for i := off; i < min(off+lim, 5); i++ {
			out = append(out, i)
		}
		return out, off+lim < 5, nil
	}
	p, err := Paginate("", 2, fetch)
	if err != nil || !slices.Equal(p.Items, []int{0, 1}) || p.NextCursor == "" {
		t.Fatalf("%v %+v", err, p)
	}
	p, _ = Paginate(p.NextCursor, 2, fetch)
	p, _ = Paginate(p.NextCursor, 2, fetch)
	if !slices.Equal(p.Items, []int{4}) || p.NextCursor != "" {
		t.Errorf("the last page: %+v", p)
	}
	empty, _ := Paginate("", 0, func(int, int) ([]int, bool, error) { return nil, false, nil })
	if empty.Items == nil {
		t.Error("an empty page is a list, never null")
	}
	for _, bad := range []string{"x", EncodeKeyCursor("k")} {
		if _, err := Paginate(bad, 10, fetch); KindOf(err) != KindInvalid {
			t.Errorf("cursor %q: %v", bad, err)
		}
	}
	if _, err := PageLimit(1001); KindOf(err) != KindInvalid {
		t.Errorf("limit 1001: %v", err)
	}
	if n, _ := PageLimit(0); n != 100 {
		t.Errorf("the default page is 100: %d", n)
	}
	parts, err := DecodeKeyCursor(EncodeKeyCursor("ana", "3"), 2)
	if err != nil || !slices.Equal(parts, []string{"ana", "3"}) {
		t.Errorf("%v %v", parts, err)
	}
}

func TestErrorsCarryKindAndSafeMessage(t *testing.T) {
	cause := errors.New("neo4j: Neo.ClientError.Statement.SyntaxError at line 3")
	if e := AsError(cause); e.Kind != KindInternal || e.Message != "internal error" || !errors.Is(e, cause) {
		t.Errorf("a foreign error is internal and hides its text: %+v", e)
	}
	e := InvalidField("amount", "must be at least %s", "50.00")
	if e.Message != "amount: must be at least 50.00" || e.Details[0].Field != "amount" || KindOf(e) != KindInvalid {
		t.Errorf("%+v", e)
	}
	d := InvalidDetails([]Detail{{Field: "id", Message: "is required"}, {Field: "email", Message: "is taken"}})
	if d.Message != "id: is required; email: is taken" {
		t.Errorf("%q", d.Message)
	}
	if u := Unavailable("redis", cause); u.Message != "redis is unavailable" {
		t.Errorf("%q", u.Message)
	}
}

func TestValuesAndFormats(t *testing.T) {
	for s, ok := range map[string]bool{"HS-1001": true, "a.b_c": true, "": false, "with space": false, "é": false} {
		if ValidID(s) != ok {
			t.Errorf("ValidID(%q)", s)
		}
	}
	for s, ok := range map[string]bool{"ana@example.com": true, "Ana <ana@example.com>": false, "ana@localhost": false, "no-at": false} {
		if ValidEmail(s) != ok {
			t.Errorf("ValidEmail(%q)", s)
		}
	}
	if NormalizeEmail("  Ana@Example.COM ") != "ana@example.com" {
		t.Error("e-mails are trimmed and lower-cased")
	}
	if !slices.Equal(Unique([]string{"b", "a", "b"}), []string{"a", "b"}) {
		t.Error("Unique")
	}
	if Money(engine.Units(120490)) != "1204.90" || Money(engine.Units(-5)) != "-0.05" || BV(engine.Units(40000)) != "400.00" || BV(engine.Units(1250)) != "12.50" {
		t.Errorf("money %s %s, BV %s %s", Money(120490), Money(-5), BV(40000), BV(1250))
	}
}

type memAudit struct{ entries []AuditEntry }

func (m *memAudit) RecordAudit(_ context.Context, e AuditEntry) error {
	m.entries = append(m.entries, e)
	return nil
}

func (m *memAudit) Audit(context.Context, AuditFilter, int, int) ([]AuditEntry, bool, error) {
	return m.entries, false, nil
}

func TestAuditRecordsWhoDidWhat(t *testing.T) {
	log := &memAudit{}
	at := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	a := &Auditor{Log: log, Now: func() time.Time { return at }}
	a.Record(WithActor(context.Background(), "admin:ops@example.com"), "member.upgrade", "member", "ana", map[string]string{"plan": "affiliate"}, map[string]string{"plan": "consultant"})
	a.Record(context.Background(), "payout.commit", "payout_run", "run-1", nil, nil)
	e := log.entries
	if len(e) != 2 || e[0].Actor != "admin:ops@example.com" || string(e[0].Before) != `{"plan":"affiliate"}` || !e[0].At.Equal(at) || e[1].Actor != "system" || e[1].Before != nil {
		t.Errorf("%+v", e)
	}
	var none *Auditor
	none.Record(context.Background(), "x", "y", "z", nil, nil) // a nil auditor records nothing
}
