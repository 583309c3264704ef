package store

import (
	"fmt"
	"runtime"
	"strings"
	"testing"
	"unsafe"
)

// Kept strings read what they were given, share blocks, survive collections after the block
// has moved on, and a string longer than a block gets one of its own.
func TestStrsKeepsCopiesInSharedBlocks(t *testing.T) {
	var a strs
	want := make([]string, 0, 50000)
	got := make([]string, 0, 50000)
	for i := range 50000 {
		s := fmt.Sprintf("m%08d", i)
		want = append(want, s)
		got = append(got, a.keep(strings.Clone(s)))
	}
	long := strings.Repeat("x", 3<<20)
	kl := a.keep(long)
	after := a.keep("after")
	runtime.GC()
	runtime.GC()
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("kept %d reads %q, want %q", i, got[i], want[i])
		}
	}
	if kl != long || after != "after" || a.keep("") != "" {
		t.Fatal("a long string, the one after it or the empty string was not kept as given")
	}
	blocks := map[uintptr]bool{}
	for _, s := range got {
		blocks[uintptr(unsafe.Pointer(unsafe.StringData(s)))&^(1<<20-1)] = true
	}
	// 50,000 ids of 9 bytes are 450 KB: a handful of blocks, not one object per id.
	if len(blocks) > 12 {
		t.Errorf("%d distinct 1 MiB regions hold 50,000 kept ids", len(blocks))
	}
}
