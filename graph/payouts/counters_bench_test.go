package payouts

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
	"time"
)

// benchTree is a placement tree shaped like halobench's network: an extreme-left chain under
// the root, then every later consultant below a random earlier one, in the first free slot of
// a random walk down (a slot holds one consultant, PLAN.md §2), so many hang deep below the
// chain.
func benchTree(n, chain int) map[string]ParentLink {
	r := rand.New(rand.NewPCG(7, 7))
	parents := make(map[string]ParentLink, n)
	ids := make([]string, n)
	depth := make([]int64, n)
	child := make([][2]int32, n)
	ids[0] = "root"
	parents["root"] = ParentLink{}
	for i := 1; i < n; i++ {
		ids[i] = fmt.Sprintf("m%08d", i)
		p, side := i-1, 0
		if i > chain {
			for p, side = r.IntN(i), r.IntN(2); child[p][side] != 0; side = r.IntN(2) {
				p = int(child[p][side])
			}
		}
		child[p][side] = int32(i)
		depth[i] = depth[p] + 1
		parents[ids[i]] = ParentLink{Parent: ids[p], Left: side == 0, Depth: depth[i]}
	}
	return parents
}

// BenchmarkLiveCountersRollup is one tick's rollup beside full ingest at 1M consultants: 6,000
// activations (a second of 4-sender ingest) by the customers of 20,000 consultants, pushed up
// a tree with a 100,000-deep chain (issue #19: a quarter of halod's CPU beside ingest). fields
// is what the tick writes to Redis: with every left leg volume in each member's own counter,
// and with long left legs' sums.
func BenchmarkLiveCountersRollup(b *testing.B) {
	parents := benchTree(1_000_000, 100_000)
	r := rand.New(rand.NewPCG(1, 2))
	sellers := make([]string, 20_000)
	for i := range sellers {
		sellers[i] = fmt.Sprintf("m%08d", 1+r.IntN(999_999))
	}
	ticks := make([][]VolumeChange, 8)
	for t := range ticks {
		for i := range 6000 {
			ticks[t] = append(ticks[t], VolumeChange{ID: fmt.Sprintf("s%d-%d", t, i), Member: sellers[r.IntN(len(sellers))], BV: 100, AcceptedAt: time.Unix(0, 0)})
		}
	}
	for _, bc := range []struct {
		name     string
		sumsFrom int32
	}{{"own counters", math.MaxInt32}, {"sums", pathSumsFrom}} {
		b.Run(bc.name, func(b *testing.B) {
			l := &LiveCounters{Feed: &memFeed{parents: parents}}
			l.defaults()
			l.tree.sumsFrom = bc.sumsFrom
			ctx := context.Background()
			if err := l.readTree(ctx); err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			b.ResetTimer()
			fields := 0
			for i := 0; i < b.N; i++ {
				r, err := l.aggregate(ctx, ticks[i%len(ticks)])
				if err != nil {
					b.Fatal(err)
				}
				fields = len(r.PV) + len(r.Sums) + len(r.Marks)
				for _, lv := range r.Legs {
					if lv.Left != 0 {
						fields++
					}
					if lv.Right != 0 {
						fields++
					}
				}
			}
			b.ReportMetric(float64(fields), "fields")
		})
	}
}
