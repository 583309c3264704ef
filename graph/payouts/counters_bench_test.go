package payouts

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"
)

// benchTree is a placement tree shaped like halobench's network: a chain under the root, then
// every later consultant under a random earlier one (so many hang deep below the chain).
func benchTree(n, chain int) map[string]ParentLink {
	r := rand.New(rand.NewPCG(7, 7))
	parents := make(map[string]ParentLink, n)
	ids := make([]string, n)
	depth := make([]int64, n)
	ids[0] = "root"
	parents["root"] = ParentLink{}
	for i := 1; i < n; i++ {
		ids[i] = fmt.Sprintf("m%08d", i)
		p := i - 1
		if i > chain {
			p = r.IntN(i)
		}
		depth[i] = depth[p] + 1
		parents[ids[i]] = ParentLink{Parent: ids[p], Left: i <= chain || r.IntN(2) == 0, Depth: depth[i]}
	}
	return parents
}

// BenchmarkLiveCountersRollup is one tick's rollup beside full ingest at 1M consultants: 6,000
// activations (a second of 4-sender ingest) by the customers of 20,000 consultants, pushed up
// a tree with a 100,000-deep chain (issue #19: a quarter of halod's CPU beside ingest).
func BenchmarkLiveCountersRollup(b *testing.B) {
	parents := benchTree(1_000_000, 100_000)
	r := rand.New(rand.NewPCG(1, 2))
	sellers := make([]string, 20_000)
	for i := range sellers {
		sellers[i] = fmt.Sprintf("m%08d", 1+r.IntN(999_999))
	}
	l := &LiveCounters{Feed: &memFeed{parents: parents}}
	l.defaults()
	ctx := context.Background()
	if err := l.readTree(ctx); err != nil {
		b.Fatal(err)
	}
	ticks := make([][]VolumeChange, 8)
	for t := range ticks {
		for i := range 6000 {
			ticks[t] = append(ticks[t], VolumeChange{ID: fmt.Sprintf("s%d-%d", t, i), Member: sellers[r.IntN(len(sellers))], BV: 100, AcceptedAt: time.Unix(0, 0)})
		}
	}
	b.ReportAllocs()
	b.ResetTimer()
	walked := 0
	for i := 0; i < b.N; i++ {
		_, legs, err := l.aggregate(ctx, ticks[i%len(ticks)])
		if err != nil {
			b.Fatal(err)
		}
		walked = len(legs)
	}
	b.ReportMetric(float64(walked), "ancestors")
}
