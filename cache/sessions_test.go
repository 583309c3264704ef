package cache_test

import (
	"context"
	"testing"

	"github.com/halo-oss/halo/cache"
)

// Issue #19: a session tag changes at every touch and only for its account; Redis losing its
// data gives a new epoch, so that no answer a replica kept under the old one holds.
func TestSessionTags(t *testing.T) {
	topologies(t, func(t *testing.T, c *cache.Cache) {
		ctx := context.Background()
		e1, ana, err := c.SessionTag(ctx, "ana")
		if err != nil || e1 == "" || ana != "" {
			t.Fatalf("a new store: epoch %q, ana's tag %q, %v", e1, ana, err)
		}
		if err := c.TouchSessionTag(ctx, "ana"); err != nil {
			t.Fatal(err)
		}
		e2, ana1, _ := c.SessionTag(ctx, "ana")
		_, ben, _ := c.SessionTag(ctx, "ben")
		if e2 != e1 || ana1 == "" || ben != "" {
			t.Fatalf("after touching ana: epoch %q→%q, ana %q, ben %q", e1, e2, ana1, ben)
		}
		_ = c.TouchSessionTag(ctx, "ana")
		if _, ana2, _ := c.SessionTag(ctx, "ana"); ana2 == ana1 {
			t.Fatalf("a second touch kept the tag %q", ana2)
		}
		if err := c.FlushForTests(ctx); err != nil {
			t.Fatal(err)
		}
		e3, ana3, err := c.SessionTag(ctx, "ana")
		if err != nil || e3 == "" || e3 == e1 || ana3 != "" {
			t.Fatalf("after Redis lost its data: epoch %q (was %q), ana %q, %v", e3, e1, ana3, err)
		}
	})
}
