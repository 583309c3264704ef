package genealogy

import (
	"testing"
	"time"
)

// PLAN.md §10: the latest change before the end decides, the one recorded last among equals;
// a termination before the end decides whatever else was recorded.
func TestStatusAt(t *testing.T) {
	d := func(day int) time.Time { return time.Date(2026, 1, day, 0, 0, 0, 0, time.UTC) }
	ch := func(st string, day int, seq int64) StatusChange {
		return StatusChange{Status: st, At: d(day), Seq: seq}
	}
	cases := []struct {
		name    string
		changes []StatusChange
		end     time.Time
		want    string
	}{
		{"none", nil, d(10), "active"},
		{"suspended before the end", []StatusChange{ch("suspended", 3, 1)}, d(10), "suspended"},
		{"on the end is not before it", []StatusChange{ch("suspended", 10, 1)}, d(10), "active"},
		{"reinstated later", []StatusChange{ch("suspended", 3, 1), ch("active", 5, 2)}, d(10), "active"},
		{"back-dated suspension recorded after a reinstatement", []StatusChange{ch("active", 5, 1), ch("suspended", 3, 2)}, d(10), "active"},
		{"same time: recorded last wins", []StatusChange{ch("active", 5, 1), ch("suspended", 5, 2)}, d(10), "suspended"},
		{"termination decides", []StatusChange{ch("terminated", 2, 1), ch("active", 5, 2)}, d(10), "terminated"},
		{"termination after the end does not", []StatusChange{ch("suspended", 2, 1), ch("terminated", 12, 2)}, d(10), "suspended"},
	}
	for _, c := range cases {
		if got := StatusAt(c.changes, c.end); got != c.want {
			t.Errorf("%s: %s, want %s", c.name, got, c.want)
		}
	}
}
