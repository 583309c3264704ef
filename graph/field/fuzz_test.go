package field

import (
	"strings"
	"testing"

	"github.com/halo-oss/halo/graph"
)

// The attendance CSV reader takes any export: it never panics, and what it refuses is a 422.
func FuzzAttendanceRefs(f *testing.F) {
	for _, seed := range []string{"member_id\nana\nben\n", "Name,Email\nAna,ana@example.com\n", "\ufeffid\n1\n", "x,y\n\"unclosed\n", "", "email\n\"a\"\"b\"\n"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, body string) {
		refs, err := AttendanceRefs(strings.NewReader(body))
		if err != nil {
			if e := graph.AsError(err); e.Kind != graph.KindInvalid || e.Message == "" {
				t.Fatalf("not a clear refusal: %v", err)
			}
			return
		}
		_ = refs
	})
}
