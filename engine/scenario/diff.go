package scenario

import (
	"fmt"
	"sort"

	"github.com/shopspring/decimal"
)

func lineKey(l LineOut) string {
	a, _ := decimal.NewFromString(l.Amount)
	rev := ""
	if l.ReversalOf {
		rev = " reversal"
	}
	return fmt.Sprintf("%s %s %s source=%s gen=%d%s", l.Member, l.Type, a.StringFixed(2), l.Source, l.Generation, rev)
}

func eqDec(a, b string) bool {
	x, err1 := decimal.NewFromString(a)
	y, err2 := decimal.NewFromString(b)
	return err1 == nil && err2 == nil && x.Equal(y)
}

// Diff lists every difference between two outputs: lines compared as a multiset, every
// consultant's end state to the cent. No differences means the runs conform.
func Diff(want, got *Output) []string {
	var out []string
	if len(want.Runs) != len(got.Runs) {
		return []string{fmt.Sprintf("runs: want %d, got %d", len(want.Runs), len(got.Runs))}
	}
	for k := range want.Runs {
		w, g := want.Runs[k], got.Runs[k]
		counts := map[string]int{}
		for _, l := range w.Lines {
			counts[lineKey(l)]++
		}
		for _, l := range g.Lines {
			counts[lineKey(l)]--
		}
		var keys []string
		for key, c := range counts {
			if c != 0 {
				keys = append(keys, key)
			}
		}
		sort.Strings(keys)
		for _, key := range keys {
			if c := counts[key]; c > 0 {
				out = append(out, fmt.Sprintf("run %d: missing line %s (x%d)", k, key, c))
			} else {
				out = append(out, fmt.Sprintf("run %d: unexpected line %s (x%d)", k, key, -c))
			}
		}
		if len(w.State) != len(g.State) {
			out = append(out, fmt.Sprintf("run %d: state has %d consultants, want %d", k, len(g.State), len(w.State)))
		}
		for id, ws := range w.State {
			gs, ok := g.State[id]
			if !ok {
				out = append(out, fmt.Sprintf("run %d: no state for %s", k, id))
				continue
			}
			if ws.Rank != gs.Rank || ws.Active != gs.Active || !eqDec(ws.CarryLeft, gs.CarryLeft) || !eqDec(ws.CarryRight, gs.CarryRight) ||
				!eqDec(ws.LifetimeLeft, gs.LifetimeLeft) || !eqDec(ws.LifetimeRight, gs.LifetimeRight) {
				out = append(out, fmt.Sprintf("run %d: state of %s: want %+v, got %+v", k, id, ws, gs))
			}
		}
	}
	return out
}
