package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/shopspring/decimal"
)

var decimalString = regexp.MustCompile(`^-?\d+(\.\d+)?$`)

// canonical lays out JSON one way (sorted keys, one indentation, arrays in one order) and writes every decimal string
// with two places. The shared examples write business volume both ways ("390" in example-a,
// "0.00" and "1204.90" in example-c); API.md writes every decimal with two places ("12.50"),
// and so does halod.
func canonical(t *testing.T, data []byte) []byte {
	t.Helper()
	var v any
	if err := json.Unmarshal(data, &v); err != nil {
		t.Fatalf("not JSON: %v", err)
	}
	var norm func(any) any
	norm = func(x any) any {
		switch y := x.(type) {
		case map[string]any:
			for k, e := range y {
				y[k] = norm(e)
			}
		case []any:
			for i, e := range y {
				y[i] = norm(e)
			}
			// A run's lines are a set: the examples list them in different orders (a–c by
			// member, the lifecycle examples in the order the plan's steps emit them).
			slices.SortStableFunc(y, func(a, b any) int {
				ja, _ := json.Marshal(a)
				jb, _ := json.Marshal(b)
				return bytes.Compare(ja, jb)
			})
		case string:
			if decimalString.MatchString(y) {
				return decimal.RequireFromString(y).StringFixed(2)
			}
		}
		return x
	}
	out, _ := json.MarshalIndent(norm(v), "", " ")
	return out
}

// `halod simulate` prints the examples' "expected" part: for every shared example, its output is
// the example's, byte for byte once laid out the same way.
func TestSimulateCommandReproducesTheSharedExamples(t *testing.T) {
	dir := os.Getenv("HALO_SHARED")
	if dir == "" {
		dir = "../../../shared"
	}
	files, _ := filepath.Glob(filepath.Join(dir, "examples", "*.json"))
	lifecycle, _ := filepath.Glob(filepath.Join(dir, "examples", "lifecycle", "*.json"))
	files = append(files, lifecycle...) // PLAN.md §9–§11
	if len(files) == 0 {
		t.Fatal("no shared examples found (set HALO_SHARED)")
	}
	for _, f := range files {
		var out bytes.Buffer
		if err := run([]string{"simulate", f}, &out, &out); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		data, _ := os.ReadFile(f)
		var ex struct {
			Expected json.RawMessage `json:"expected"`
		}
		if err := json.Unmarshal(data, &ex); err != nil {
			t.Fatal(err)
		}
		got, want := canonical(t, out.Bytes()), canonical(t, ex.Expected)
		if !bytes.Equal(got, want) {
			gl, wl := strings.Split(string(got), "\n"), strings.Split(string(want), "\n")
			for i := range min(len(gl), len(wl)) {
				if gl[i] != wl[i] {
					t.Errorf("%s: line %d: %q, want %q", filepath.Base(f), i+1, gl[i], wl[i])
					break
				}
			}
			if len(gl) != len(wl) {
				t.Errorf("%s: %d lines, want %d", filepath.Base(f), len(gl), len(wl))
			}
		}
		if strings.Contains(out.String(), `"0"`) {
			t.Errorf("%s: a decimal without its two places", filepath.Base(f))
		}
	}
}

func TestSimulateRefusesWhatIsNotAScenario(t *testing.T) {
	dir := t.TempDir()
	for name, body := range map[string]string{"empty.json": "{}", "garbage.json": "not json", "norun.json": `{"scenario":{"members":[{"id":"root","plan":"consultant_plus","registered_at":"2026-01-01T00:00:00Z"}]}}`} {
		p := filepath.Join(dir, name)
		_ = os.WriteFile(p, []byte(body), 0o644)
		var out bytes.Buffer
		err := run([]string{"simulate", p}, &out, &out)
		if err == nil || exitCode(err) != 2 || out.Len() != 0 {
			t.Errorf("%s: %v (exit %d), printed %q", name, err, exitCode(err), out.String())
		}
	}
	for _, args := range [][]string{{"simulate"}, {"simulate", "a.json", "b.json"}, {"simulate", "--bogus", "a.json"}, {"plan", "--yaml"}, {"nosuch"}} {
		if err := run(args, &bytes.Buffer{}, &bytes.Buffer{}); err == nil || exitCode(err) != 2 {
			t.Errorf("%v: %v", args, err)
		}
	}
	var out bytes.Buffer
	if err := run([]string{"simulate", "/nonexistent.json"}, &out, &out); err == nil {
		t.Error("a missing file is an error")
	}
}

// halod help lists every command; each describes itself and its flags.
func TestHelpDescribesEveryCommandAndFlag(t *testing.T) {
	var all bytes.Buffer
	if err := run([]string{"help"}, &all, &all); err != nil {
		t.Fatal(err)
	}
	for _, c := range commands {
		if !strings.Contains(all.String(), c.name) {
			t.Errorf("halod help lacks %s", c.name)
		}
		for _, way := range [][]string{{c.name, "--help"}, {"help", c.name}} {
			var out bytes.Buffer
			if c.name == "help" && way[0] == "help" && len(way) == 2 {
				way = []string{"help", "help"}
			}
			if err := run(way, &out, &out); err != nil {
				t.Fatalf("%v: %v", way, err)
			}
			if !strings.Contains(out.String(), "Usage: halod "+c.name) {
				t.Errorf("%v: %q", way, out.String())
			}
			for _, f := range c.flags {
				if !strings.Contains(out.String(), f[0]) {
					t.Errorf("%v does not describe %s", way, f[0])
				}
			}
		}
	}
	var plan bytes.Buffer
	if err := run([]string{"plan"}, &plan, &plan); err != nil || !strings.Contains(plan.String(), "plans:\n") {
		t.Errorf("plan prints YAML: %v\n%s", err, plan.String())
	}
	plan.Reset()
	if err := run([]string{"plan", "--json"}, &plan, &plan); err != nil || !json.Valid(plan.Bytes()) {
		t.Errorf("plan --json: %v", err)
	}
}
