package store

import (
	"math/rand"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/halo-oss/halo/engine"
	"github.com/halo-oss/halo/graph/payouts"
)

// Packed lines come back as they went in, separators and the escape character in ids included;
// the detail only when asked for.
func TestPackedLinesRoundTrip(t *testing.T) {
	rnd := rand.New(rand.NewSource(7))
	odd := []string{"", "act:v1:42", "a\x1fb", "\x1e", "\x1b", "\x1b1", "\x1b3", "x\x1b2y\x1f", "ünï|code", "a,b", "sun", "sun:a1", "act", "\x1b3:x"}
	types := engine.LineTypes
	var buf []byte // one buffer for every round, as a draft keeps one from statement to statement
	for round := 0; round < 200; round++ {
		var lines []payouts.StatementLine
		for i := rnd.Intn(6); i > 0; i-- {
			l := payouts.StatementLine{Index: rnd.Intn(1 << 30), Type: types[rnd.Intn(len(types))], Amount: engine.Units(rnd.Int63n(1<<40) - 1<<39),
				Source: odd[rnd.Intn(len(odd))], Generation: rnd.Intn(9), ReversalOf: odd[rnd.Intn(len(odd))], Vendor: odd[rnd.Intn(len(odd))],
				Basis: engine.Basis{Base: engine.Units(rnd.Int63n(1 << 40)), Rate: engine.Rate(rnd.Int63n(100000)), Skipped: int32(rnd.Intn(3))}}
			if rnd.Intn(3) == 0 { // an activation's line: its vendor is its source's prefix
				l.Source, l.Vendor = []string{"sun:a1", "sun:", "act:v1:42", "\x1b3:x", "s\x1fx:y"}[rnd.Intn(5)], ""
				l.Vendor, _, _ = strings.Cut(l.Source, ":")
			}
			if rnd.Intn(2) == 0 {
				l.Compressed = []string{"m1", "m\x1f2", "m\x1b3"}[:1+rnd.Intn(3)]
			}
			if rnd.Intn(2) == 0 {
				l.Basis.Detail = &engine.Detail{Left: 100, Right: 250, Pair: 100, Cap: 5000, PoolExact: "12.5\x1f\x1e", Shares: 2, TotalShares: 9}
			}
			lines = append(lines, l)
		}
		packed := encodeLines(&buf, lines)
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

// Issue #19: the shorter record. A type is its number, an activation's vendor is not repeated,
// empty trailing fields are left out; records written before read alike.
func TestPackedLinesShortForm(t *testing.T) {
	l := payouts.StatementLine{Index: 30184, Type: engine.LineRevenueShare, Amount: 450, Source: "sun:a1054452", Generation: 2, Vendor: "sun",
		Basis: engine.Basis{Base: 15000, Rate: 300}}
	packed := encodeLines(new([]byte), []payouts.StatementLine{l}).(string)
	if want := "30184\x1f4\x1f450\x1fsun:a1054452\x1f2\x1f\x1f\x1b3\x1f15000\x1f300"; packed != want {
		t.Errorf("packed %q, want %q", packed, want)
	}
	old := "30184\x1frevenue_share\x1f450\x1fsun:a1054452\x1f2\x1f\x1fsun\x1f15000\x1f300\x1f\x1f\x1f"
	for _, s := range []string{packed, old} {
		if got := decodeLines(s, true); !reflect.DeepEqual(got, []payouts.StatementLine{l}) {
			t.Errorf("%q read as %+v", s, got)
		}
	}
	// Another vendor than the source's prefix is written out; an unknown type number reads as none.
	l.Vendor = "bat"
	if got := decodeLines(encodeLines(new([]byte), []payouts.StatementLine{l}).(string), false); got[0].Vendor != "bat" {
		t.Errorf("vendor %q", got[0].Vendor)
	}
	for _, f := range []string{"0", "8", "99", "300", "-1", "nonsense"} {
		if got := lineType(f); got != 0 {
			t.Errorf("type %q read as %v", f, got)
		}
	}
	for _, typ := range engine.LineTypes {
		if lineType(strconv.Itoa(int(typ))) != typ || lineType(typ.String()) != typ {
			t.Errorf("type %v", typ)
		}
	}
}
