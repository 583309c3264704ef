package store

import (
	"math/rand"
	"reflect"
	"testing"

	"github.com/halo-oss/halo/engine"
	"github.com/halo-oss/halo/graph/payouts"
)

// Packed lines come back as they went in, separators and the escape character in ids included;
// the detail only when asked for.
func TestPackedLinesRoundTrip(t *testing.T) {
	rnd := rand.New(rand.NewSource(7))
	odd := []string{"", "act:v1:42", "a\x1fb", "\x1e", "\x1b", "\x1b1", "x\x1b2y\x1f", "ünï|code", "a,b"}
	types := engine.LineTypes
	for round := 0; round < 200; round++ {
		var lines []payouts.StatementLine
		for i := rnd.Intn(6); i > 0; i-- {
			l := payouts.StatementLine{Index: rnd.Intn(1 << 30), Type: types[rnd.Intn(len(types))], Amount: engine.Units(rnd.Int63n(1<<40) - 1<<39),
				Source: odd[rnd.Intn(len(odd))], Generation: rnd.Intn(9), ReversalOf: odd[rnd.Intn(len(odd))], Vendor: odd[rnd.Intn(len(odd))],
				Basis: engine.Basis{Base: engine.Units(rnd.Int63n(1 << 40)), Rate: engine.Rate(rnd.Int63n(100000)), Skipped: int32(rnd.Intn(3))}}
			if rnd.Intn(2) == 0 {
				l.Compressed = []string{"m1", "m\x1f2", "m\x1b3"}[:1+rnd.Intn(3)]
			}
			if rnd.Intn(2) == 0 {
				l.Basis.Detail = &engine.Detail{Left: 100, Right: 250, Pair: 100, Cap: 5000, PoolExact: "12.5\x1f\x1e", Shares: 2, TotalShares: 9}
			}
			lines = append(lines, l)
		}
		packed := encodeLines(lines)
		if len(lines) == 0 {
			if packed != nil {
				t.Fatalf("no lines packed as %q", packed)
			}
			continue
		}
		if got := decodeLines(packed.(string), true); !reflect.DeepEqual(got, lines) {
			t.Fatalf("round %d:\n got %+v\nwant %+v", round, got, lines)
		}
		for i, l := range decodeLines(packed.(string), false) {
			want := lines[i]
			want.Basis.Detail = nil
			if !reflect.DeepEqual(l, want) {
				t.Fatalf("without detail: %+v, want %+v", l, want)
			}
		}
	}
}
