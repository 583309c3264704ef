package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/halo-oss/halo/engine/scenario"
)

// `halod simulate` prints the examples' "expected" part: the golden files must come back.
func TestSimulateCommandReproducesTheSharedExamples(t *testing.T) {
	dir := os.Getenv("HALO_SHARED")
	if dir == "" {
		dir = "../../../shared"
	}
	files, _ := filepath.Glob(filepath.Join(dir, "examples", "*.json"))
	if len(files) == 0 {
		t.Fatal("no shared examples found (set HALO_SHARED)")
	}
	for _, f := range files {
		var out bytes.Buffer
		if err := run([]string{"simulate", f}, &out, &out); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		var got scenario.Output
		if err := json.Unmarshal(out.Bytes(), &got); err != nil {
			t.Fatalf("%s: output is not JSON: %v", f, err)
		}
		data, _ := os.ReadFile(f)
		want, _ := scenario.Parse(data)
		if len(got.Runs) != len(want.Expected.Runs) {
			t.Fatalf("%s: %d runs", f, len(got.Runs))
		}
		for k := range got.Runs {
			if len(got.Runs[k].Lines) != len(want.Expected.Runs[k].Lines) || len(got.Runs[k].State) != len(want.Expected.Runs[k].State) {
				t.Errorf("%s run %d: %d lines / %d states, want %d / %d", f, k, len(got.Runs[k].Lines), len(got.Runs[k].State),
					len(want.Expected.Runs[k].Lines), len(want.Expected.Runs[k].State))
			}
		}
	}
	var out bytes.Buffer
	if err := run([]string{"simulate", "/nonexistent.json"}, &out, &out); err == nil {
		t.Error("a missing file is an error")
	}
}
