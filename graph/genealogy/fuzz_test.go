package genealogy

import (
	"context"
	"strings"
	"testing"

	"github.com/halo-oss/halo/graph"
)

// The import validator takes any file: it never panics, and a refused file is a 400 or 422 that
// says what is wrong, every listed line with a message.
func FuzzImportValidate(f *testing.F) {
	f.Add(goodFile)
	f.Add("{}\n")
	f.Add(`{"id":"a","plan":"consultant","placement":{"parent_id":"a","leg":"left"},"opening":{"carry_left":"-1"}}`)
	f.Add("\n\n \n")
	f.Add(`{"id":"x","name":"X","email":"x@example.com","plan":"customer","sponsor_id":"root","registered_at":"2026-02-01T00:00:00Z","password":null}`)
	f.Fuzz(func(t *testing.T, file string) {
		st := &memImports{}
		s := importService(st)
		_, err := s.Start(context.Background(), strings.NewReader(file), nil, "fuzz")
		if err == nil {
			return
		}
		e := graph.AsError(err)
		if e.Kind != graph.KindInvalid && e.Kind != graph.KindBadRequest || e.Message == "" {
			t.Fatalf("not a clear refusal: %v", err)
		}
		for _, d := range e.Details {
			if d.Message == "" {
				t.Fatalf("a detail without a message: %+v", d)
			}
		}
		if len(st.batches) != 0 {
			t.Fatal("a refused file wrote something")
		}
	})
}
