package cache

import (
	"fmt"
	"testing"
)

// The arrays a delta publication fills are the ones the publication before last filled, while
// the network grows a little at each update: made anew at every update they were 13 % of what
// halod allocated beside a stream of sales at 1M (issue #19).
func TestPublicationArraysServeAgainWhileTheNetworkGrows(t *testing.T) {
	var m pubMemo
	m.keep("1", make([]string, 10_000), make([]uint64, 10_000), true) // published before, exactly full
	fill := func(n int) *string {
		ids, hashes := m.spares(len(m.ids))
		for i := range n {
			ids, hashes = append(ids, fmt.Sprintf("m%07d", i)), append(hashes, uint64(i))
		}
		if len(ids) != n || len(hashes) != n || ids[n-1] != fmt.Sprintf("m%07d", n-1) {
			t.Fatalf("publication of %d: %d ids, %d hashes", n, len(ids), len(hashes))
		}
		m.keep("1", ids, hashes, true)
		return &ids[0]
	}
	a, b := fill(10_000), fill(10_001)
	if a == b {
		t.Fatal("two publications in a row filled one array")
	}
	// Each publication grows by one member; the arrays of the one before last serve again.
	for n := 10_002; n < 10_020; n++ {
		want := a
		if n%2 == 1 {
			want = b
		}
		if fill(n) != want {
			t.Fatalf("publication of %d made its arrays anew instead of filling the spare ones", n)
		}
	}
	// A spare too small for the last publication is made anew, with room.
	m.spares(len(m.ids))
	ids, hashes := m.spares(1_000_000)
	if cap(ids) < 1_000_000 || cap(hashes) < 1_000_000 || len(ids) != 0 {
		t.Fatalf("spares for 1,000,000: cap %d and %d, len %d", cap(ids), cap(hashes), len(ids))
	}
}
