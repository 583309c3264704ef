package cypher

import (
	"io/fs"
	"strings"
	"testing"
)

// Every query reads with its parts in place, and every part is read by a query.
func TestPartsAreInPlace(t *testing.T) {
	used := map[string]bool{}
	for _, q := range Names() {
		b, _ := files.ReadFile("queries/" + q + ".cypher")
		for _, ln := range strings.Split(string(b), "\n") {
			if name, ok := strings.CutPrefix(strings.TrimSpace(ln), "//+ "); ok {
				used[strings.TrimSpace(name)] = true
			}
		}
		if text := MustQuery(q); strings.Contains(text, "//+") {
			t.Errorf("%s keeps a part's line: %s", q, text)
		}
	}
	if got := MustQuery("field/member_field"); !strings.Contains(got, "OnboardingTrack") || !strings.HasSuffix(got, "RETURN steps, done, upcoming") {
		t.Errorf("field/member_field without its part:\n%s", got)
	}
	_ = fs.WalkDir(files, "parts", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			if name := strings.TrimSuffix(strings.TrimPrefix(p, "parts/"), ".cypher"); !used[name] {
				t.Errorf("part %s is read by no query", name)
			}
		}
		return err
	})
	defer func() {
		if recover() == nil {
			t.Error("a missing part did not stop the program")
		}
	}()
	withParts("//+ nowhere/none")
}
