package scenario

import (
	"os"
	"path/filepath"
	"testing"
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

// CompareOutputs fails t with every difference Diff finds.
func CompareOutputs(t *testing.T, want, got *Output) {
	t.Helper()
	diffs := Diff(want, got)
	for i, d := range diffs {
		if i == 40 {
			t.Fatalf("... and %d more differences", len(diffs)-40)
		}
		t.Error(d)
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

func TestGoldenLifecycleExamples(t *testing.T) {
	// PLAN.md §9–§11: every worked example of shared/examples/lifecycle, example-d included.
	dir := filepath.Join(examplesDir(t), "lifecycle")
	names, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil || len(names) < 11 {
		t.Fatalf("lifecycle examples: %d found in %s (%v)", len(names), dir, err)
	}
	for _, name := range names {
		name = filepath.Base(name)
		t.Run(name, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join(dir, name))
			if err != nil {
				t.Fatal(err)
			}
			sf, err := Parse(data)
			if err != nil {
				t.Fatal(err)
			}
			got, err := Simulate(&sf.Scenario, false)
			if err != nil {
				t.Fatal(err)
			}
			CompareOutputs(t, sf.Expected, got)
		})
	}
}
