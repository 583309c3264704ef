package payouts

import (
	"context"
	"fmt"
	"math/rand/v2"
	"runtime"
	"testing"
	"time"

	"github.com/halo-oss/halo/engine"
	"github.com/halo-oss/halo/engine/gen"
)

// benchRuns serves a generated network to the projector: the whole of it once, then what each
// round of "ingest" accepted (customers signing up and activating services).
type benchRuns struct {
	RunStore
	snap    *RunSnapshot
	pending *RunSnapshot
	clock   time.Time
}

func (s *benchRuns) LastCommitted(context.Context) (*Run, error) { return nil, nil }
func (s *benchRuns) Clock(context.Context) (time.Time, error)    { return s.clock, nil }
func (s *benchRuns) LoadSnapshot(context.Context, string, time.Time, time.Time) (*RunSnapshot, error) {
	return s.snap, nil
}
func (s *benchRuns) SnapshotDelta(context.Context, string, Delta, time.Time, *RunSnapshot) (*RunSnapshot, error) {
	d := s.pending
	s.pending = &RunSnapshot{}
	return d, nil
}
func (s *benchRuns) OldestOpenAccept(context.Context) (time.Time, bool, error) {
	return time.Time{}, false, nil
}
func (s *benchRuns) SnapshotSmall(context.Context) (*RunSnapshot, error) {
	return &RunSnapshot{PlanChanges: s.snap.PlanChanges}, nil
}

// discardProjections is a ProjectionCache that keeps nothing.
type discardProjections struct{ keptProjections }

func (*discardProjections) PublishProjection(context.Context, int64, *Projection) error { return nil }

// BenchmarkProjectionUpdateMillion is one update of the kept projection at the scale
// (#19): 1,000,000 consultants, 100,000 customers, 2,400,000 sales in the open period, then
// per update 1,000 customers signing up and 10,000 activations (about three seconds of full
// ingest). Run it with `GOMEMLIMIT=3GiB go test ./graph/payouts -run '^$' -bench ProjectionUpdate
// -benchtime 5x -cpu 1` (make bench-projection).
func BenchmarkProjectionUpdateMillion(b *testing.B) {
	nw := gen.Build(gen.Spec{Seed: 42, Consultants: 1_000_000, Customers: 100_000, Sales: 2_400_000, ChainDepth: 100_000})
	in := nw.Input
	now := in.End
	// As the store streams them: in no particular order.
	shuffle := rand.New(rand.NewPCG(7, 7))
	shuffle.Shuffle(len(in.Members), func(i, j int) { in.Members[i], in.Members[j] = in.Members[j], in.Members[i] })
	shuffle.Shuffle(len(in.Sales), func(i, j int) { in.Sales[i], in.Sales[j] = in.Sales[j], in.Sales[i] })
	shuffle.Shuffle(len(in.Prev), func(i, j int) { in.Prev[i], in.Prev[j] = in.Prev[j], in.Prev[i] })
	st := &benchRuns{snap: &RunSnapshot{Members: in.Members, Sales: in.Sales, Prev: in.Prev, PlanChanges: map[string][]PlanChange{}}, pending: &RunSnapshot{}, clock: now}
	svc := &PayoutService{Store: st, Plan: engine.DefaultConfig(), Now: func() time.Time { return now }, Log: quiet}
	// Published, as halod's is (to Redis; here nowhere), so its arrays serve the next update.
	p := &Projector{Payouts: svc, Log: quiet, Shared: &discardProjections{}, Interval: time.Nanosecond}
	ctx := context.Background()
	t0 := time.Now()
	if err := p.Refresh(ctx, false); err != nil {
		b.Fatal(err)
	}
	reload, reloadPart := time.Since(t0), p.took.longest
	var consultants []string
	for _, m := range in.Members {
		if m.Plan.IsConsultant() {
			consultants = append(consultants, m.ID)
		}
	}
	rng := rand.New(rand.NewPCG(42, 19))
	hex := func() string { return fmt.Sprintf("%016x", rng.Uint64()) }
	runtime.GC()
	b.ReportAllocs()
	b.ResetTimer()
	var engineT, buildT, longest time.Duration
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		d := &RunSnapshot{}
		var custs []string
		for k := 0; k < 1_000; k++ {
			id := "cust-" + hex()
			custs = append(custs, id)
			d.Members = append(d.Members, engine.Member{ID: id, Plan: engine.PlanCustomer, Sponsor: consultants[rng.IntN(len(consultants))], RegisteredAt: now.Add(-time.Hour)})
		}
		for k := 0; k < 10_000; k++ {
			pr := gen.Catalogue[rng.IntN(len(gen.Catalogue))]
			d.Sales = append(d.Sales, engine.Sale{ID: pr.Vendor + ":" + hex(), Kind: engine.SaleActivation, Member: custs[rng.IntN(len(custs))],
				OccurredAt: now.Add(-time.Minute), BV: pr.BV, CV: pr.CV, Retail: pr.Retail, Vendor: pr.Vendor})
		}
		st.pending = d
		st.clock = st.clock.Add(time.Second)
		b.StartTimer()
		if err := p.Refresh(ctx, false); err != nil {
			b.Fatal(err)
		}
		engineT += p.took.engine
		buildT += p.took.build
		longest = max(longest, p.took.longest)
	}
	b.StopTimer()
	if _, up := p.Counts(); up != int64(b.N) {
		b.Fatalf("%d updates of %d rounds", up, b.N)
	}
	b.ReportMetric(float64(engineT.Milliseconds())/float64(b.N), "ms-engine/op")
	b.ReportMetric(float64(buildT.Milliseconds())/float64(b.N), "ms-build/op")
	// The longest the engine worked between two rests (Input.Between), in any update.
	b.ReportMetric(float64(longest.Microseconds())/1000, "ms-longest-part")
	b.ReportMetric(float64(reload.Milliseconds()), "ms-first-reload")
	b.ReportMetric(float64(reloadPart.Microseconds())/1000, "ms-longest-part-reload")
	// What the projector keeps between updates (its snapshot, working memory and last
	// projection), the network's input aside.
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	b.ReportMetric(float64(ms.HeapAlloc)/1e6, "MB-live")
	runtime.KeepAlive(p)
}
