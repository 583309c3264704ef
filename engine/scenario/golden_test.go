package scenario

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/shopspring/decimal"
)

// examplesDir is shared/ beside the repository (the contract; not copied into it).
func examplesDir(t *testing.T) string {
	t.Helper()
	for _, d := range []string{os.Getenv("HALO_SHARED"), "../../../shared", "../../shared"} {
		if d == "" {
			continue
		}
		p := filepath.Join(d, "examples")
		if st, err := os.Stat(p); err == nil && st.IsDir() {
			return p
		}
	}
	t.Fatal("shared/examples not found beside the repository (set HALO_SHARED)")
	return ""
}

func lineKey(l LineOut) string {
	a, _ := decimal.NewFromString(l.Amount)
	rev := ""
	if l.ReversalOf {
		rev = "R"
	}
	return l.Member + "|" + l.Type + "|" + a.StringFixed(2) + "|" + l.Source + "|" + string(rune('0'+l.Generation)) + "|" + rev
}

func eqDec(a, b string) bool {
	x, err1 := decimal.NewFromString(a)
	y, err2 := decimal.NewFromString(b)
	return err1 == nil && err2 == nil && x.Equal(y)
}

// CompareOutputs reports every difference between expected and got, lines as a multiset and
// every end state to the cent.
func CompareOutputs(t *testing.T, want, got *Output) {
	t.Helper()
	if len(want.Runs) != len(got.Runs) {
		t.Fatalf("runs: want %d, got %d", len(want.Runs), len(got.Runs))
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
		bad := 0
		for key, c := range counts {
			if c > 0 {
				t.Errorf("run %d: missing line %s (x%d)", k, key, c)
				bad++
			} else if c < 0 {
				t.Errorf("run %d: unexpected line %s (x%d)", k, key, -c)
				bad++
			}
			if bad > 20 {
				t.Fatalf("run %d: too many line differences", k)
			}
		}
		if len(w.State) != len(g.State) {
			t.Errorf("run %d: state has %d consultants, want %d", k, len(g.State), len(w.State))
		}
		for id, ws := range w.State {
			gs, ok := g.State[id]
			if !ok {
				t.Errorf("run %d: no state for %s", k, id)
				continue
			}
			if ws.Rank != gs.Rank || ws.Active != gs.Active || !eqDec(ws.CarryLeft, gs.CarryLeft) || !eqDec(ws.CarryRight, gs.CarryRight) ||
				!eqDec(ws.LifetimeLeft, gs.LifetimeLeft) || !eqDec(ws.LifetimeRight, gs.LifetimeRight) {
				t.Errorf("run %d: state of %s: want %+v, got %+v", k, id, ws, gs)
			}
		}
	}
}

func TestGoldenExamples(t *testing.T) {
	dir := examplesDir(t)
	files, _ := filepath.Glob(filepath.Join(dir, "*.json"))
	if len(files) == 0 {
		t.Fatal("no examples found")
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			sf, err := Parse(data)
			if err != nil {
				t.Fatal(err)
			}
			if sf.Expected == nil {
				t.Fatal("example has no expected part")
			}
			got, err := Simulate(&sf.Scenario, false)
			if err != nil {
				t.Fatal(err)
			}
			CompareOutputs(t, sf.Expected, got)
		})
	}
}
