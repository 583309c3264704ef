package cache

import (
	"encoding/json"
	"fmt"
	"strconv"
	"testing"

	"github.com/halo-oss/halo/graph/payouts"
)

// A tick's increments are staged as JSON chunks that drainScript decodes and applies: every
// field and increment once, as exact integer strings, in chunks of incPairs with ids unique to
// the tick.
func TestIncrementChunksCarryEveryPairOnce(t *testing.T) {
	pv := map[string]int64{}
	var legs []payouts.LegVolume
	want := map[string]int64{}
	for i := range 1_500 {
		id := fmt.Sprintf("c%05d", i)
		pv[id] = int64(i*1_000_003 - 7)
		want[id+"|pv"] = pv[id]
	}
	for i := range 1_200 {
		lr := payouts.LegVolume{ID: fmt.Sprintf("p%05d", i), Left: int64(i) - 600, Right: int64(i % 3)}
		if i == 7 {
			lr.ID = `odd "id" \ é` // never a valid member id, but still valid JSON
		}
		legs = append(legs, lr)
		if lr.Left != 0 {
			want[lr.ID+"|l"] = lr.Left
		}
		if lr.Right != 0 {
			want[lr.ID+"|r"] = lr.Right
		}
	}
	var sums []payouts.PathSum
	for i := range 700 {
		s := payouts.PathSum{Top: fmt.Sprintf("t%d", i%3), Node: int32(1 + i), V: int64(i) - 350}
		sums = append(sums, s)
		want[fmt.Sprintf("%s|s%d", s.Top, s.Node)] = s.V
	}
	chunks := incChunks("9:123", payouts.Rollup{PV: pv, Legs: legs, Sums: sums})
	if wantChunks := (len(want) + incPairs - 1) / incPairs; len(chunks) != wantChunks {
		t.Fatalf("%d pairs in %d chunks, want %d", len(want), len(chunks), wantChunks)
	}
	got := map[string]int64{}
	for k, ch := range chunks {
		var xs []string
		if err := json.Unmarshal([]byte(ch.staged), &xs); err != nil {
			t.Fatalf("chunk %d is not a JSON array of strings: %v", k, err)
		}
		if id := "9:123:" + strconv.Itoa(k); ch.id != id || xs[0] != id {
			t.Fatalf("chunk %d: id %q, staged as %q", k, ch.id, xs[0])
		}
		if pairs := (len(xs) - 1) / 2; len(xs)%2 != 1 || (k < len(chunks)-1 && pairs != incPairs) {
			t.Fatalf("chunk %d holds %d strings", k, len(xs))
		}
		for i := 1; i < len(xs); i += 2 {
			v, err := strconv.ParseInt(xs[i+1], 10, 64)
			if err != nil {
				t.Fatalf("chunk %d: increment %q", k, xs[i+1])
			}
			if _, dup := got[xs[i]]; dup {
				t.Fatalf("field %q twice", xs[i])
			}
			got[xs[i]] = v
		}
	}
	if len(got) != len(want) {
		t.Fatalf("%d fields, want %d", len(got), len(want))
	}
	for f, v := range want {
		if got[f] != v {
			t.Fatalf("field %q: %d, want %d", f, got[f], v)
		}
	}
}
