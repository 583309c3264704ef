package dashboards

import (
	"context"
	"errors"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/halo-oss/halo/graph"
	"github.com/halo-oss/halo/graph/genealogy"
)

// jitNeo4j answers the warm-up's reads taking cost(n) for its n-th read, as a Neo4j whose JVM
// compiles its hot code while it runs: each read costs less than the one before until `warm`.
type jitNeo4j struct {
	cost func(n int) time.Duration
	fail func(id string) error

	mu    sync.Mutex
	n, at int
	atN   []int // reads under way as the n-th began
	kinds map[string]int
	ids   map[string]bool
}

func (f *jitNeo4j) serve(ctx context.Context, kind, id string) error {
	f.mu.Lock()
	f.n++
	f.at++
	f.atN = append(f.atN, f.at)
	f.kinds[kind]++
	f.ids[id] = true
	d := f.cost(f.n)
	f.mu.Unlock()
	defer func() { f.mu.Lock(); f.at--; f.mu.Unlock() }()
	select {
	case <-time.After(d):
	case <-ctx.Done():
		return ctx.Err()
	}
	if f.fail != nil {
		return f.fail(id)
	}
	return nil
}

func (f *jitNeo4j) ConsultantData(ctx context.Context, q ConsultantQuery) (*ConsultantData, error) {
	return &ConsultantData{ID: q.ID}, f.serve(ctx, "consultant", q.ID)
}

func (f *jitNeo4j) CustomerData(ctx context.Context, q CustomerQuery) (*CustomerData, error) {
	return &CustomerData{}, f.serve(ctx, "customer", q.ID)
}

func (f *jitNeo4j) BinaryTree(ctx context.Context, id string, _ int, _ string, _ int) (*graph.Page[genealogy.TreeNode], error) {
	return &graph.Page[genealogy.TreeNode]{}, f.serve(ctx, "tree", id)
}

// Revoked is free: the dashboards' reads are what the cost curve times.
func (f *jitNeo4j) Revoked(_ context.Context, _, account string, _ time.Time) (bool, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.kinds["session"]++
	f.ids[account] = true
	return false, nil
}

type sampler struct {
	cons, custs []string
	asked       int
}

func (s *sampler) SampleMembers(_ context.Context, n int) ([]string, []string, error) {
	s.asked = n
	return s.cons, s.custs, nil
}

func warmUp(f *jitNeo4j, s *sampler, maxWait time.Duration) *WarmUp {
	f.kinds, f.ids = map[string]int{}, map[string]bool{}
	d := &DashboardService{Consultants: f, Customers: f, Trees: f, Now: func() time.Time { return now }}
	return &WarmUp{Sample: s, Dashboards: d, Sessions: f, Max: maxWait}
}

func network() *sampler {
	return &sampler{cons: []string{"c1", "c2", "c3", "c4", "c5"}, custs: []string{"u1", "u2"}}
}

// falling costs from 12 ms down to 2 ms by the 120th read, then stays there.
func falling(n int) time.Duration {
	const cold, warm, until = 12 * time.Millisecond, 2 * time.Millisecond, 120
	if n >= until {
		return warm
	}
	return cold - (cold-warm)*time.Duration(n)/until
}

func TestWarmUpOfAColdNeo4jGoesOnToItsBound(t *testing.T) {
	f, s := &jitNeo4j{cost: falling}, network()
	rep, err := warmUp(f, s, 1500*time.Millisecond).Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if f.n < rep.Reads+2*warmBurst || len(rep.Medians)*24 != rep.Reads {
		t.Fatalf("report %+v after %d reads", rep, f.n)
	}
	// The costs stop falling at read 120 (round 5), and two judgements after it find no gain,
	// yet a Neo4j whose first round was 6 times slower than its latest goes on to the bound.
	if rep.Settled || rep.Elapsed < 1500*time.Millisecond || len(rep.Medians) <= 32 {
		t.Fatalf("report %+v: a cold start should run to its 1.5 s bound", rep)
	}
	if first, last := rep.Medians[0], rep.Medians[len(rep.Medians)-1]; last > first/2 {
		t.Fatalf("medians %v: the last round should be far faster than the first", rep.Medians)
	}
	if most := slices.Max(f.atN[:rep.Reads]); most > 2 {
		t.Fatalf("%d reads at once; the measured rounds keep to two", most)
	}
	if burst := slices.Max(f.atN[rep.Reads:]); burst < warmBurst {
		t.Fatalf("the closing burst had %d reads at once; want %d, to open the connections traffic needs", burst, warmBurst)
	}
	if f.kinds["consultant"] == 0 || f.kinds["customer"] == 0 || f.kinds["tree"] == 0 || f.kinds["session"] != f.n {
		t.Fatalf("reads by kind %v: want consultants' and customers' dashboards and trees, each after a session check", f.kinds)
	}
	for id := range f.ids {
		if !slices.Contains(s.cons, id) && !slices.Contains(s.custs, id) {
			t.Fatalf("read %s, which the sample did not name", id)
		}
	}
	if s.asked == 0 {
		t.Fatal("the sample was not asked for")
	}
}

func TestWarmUpOfAWarmNeo4jCostsAFewRounds(t *testing.T) {
	f := &jitNeo4j{cost: func(int) time.Duration { return time.Millisecond }}
	rep, err := warmUp(f, network(), 10*time.Second).Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	// Judged first at 16 rounds and settled at the second judgement without a gain; noise may
	// make the latest half look 15 % faster once, so allow the next judgement too.
	if n := len(rep.Medians); !rep.Settled || n != 32 && n != 64 {
		t.Fatalf("report %+v: a warm Neo4j should settle at round 32", rep)
	}
}

func TestWarmUpEndsAtItsBoundWhenReadsKeepGettingFaster(t *testing.T) {
	// Every read a little cheaper than the last, for longer than the bound allows.
	f := &jitNeo4j{cost: func(n int) time.Duration {
		return max(time.Millisecond, 40*time.Millisecond-time.Duration(n)*150*time.Microsecond)
	}}
	start := time.Now()
	rep, err := warmUp(f, network(), 300*time.Millisecond).Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if rep.Settled || time.Since(start) > 2*time.Second || rep.Elapsed < 300*time.Millisecond {
		t.Fatalf("report %+v in %v: want it to end, unsettled, at its 300 ms bound", rep, time.Since(start))
	}
}

func TestWarmUpSkipsMembersGoneSinceTheSampleAndReportsOtherFailures(t *testing.T) {
	gone := func(id string) error {
		if id == "c2" {
			return graph.NotFound("member %s not found", id)
		}
		return nil
	}
	f := &jitNeo4j{cost: func(int) time.Duration { return 200 * time.Microsecond }, fail: gone}
	if rep, err := warmUp(f, network(), 10*time.Second).Run(context.Background()); err != nil || !rep.Settled {
		t.Fatalf("a member deleted since the sample: %+v, %v; want it skipped", rep, err)
	}

	down := errors.New("neo4j: connection refused")
	f = &jitNeo4j{cost: func(int) time.Duration { return 200 * time.Microsecond }, fail: func(string) error { return down }}
	rep, err := warmUp(f, network(), 10*time.Second).Run(context.Background())
	if !errors.Is(err, down) || rep.Settled {
		t.Fatalf("Neo4j failing: %+v, %v; want its error, so halod logs it and serves", rep, err)
	}
	if f.n > 24 {
		t.Fatalf("%d reads: a failing round should end the warm-up", f.n)
	}
}

func TestWarmUpOffOrOnAnEmptyNetworkReadsNothing(t *testing.T) {
	f, s := &jitNeo4j{cost: falling}, network()
	if rep, err := warmUp(f, s, 0).Run(context.Background()); err != nil || rep.Reads != 0 || s.asked != 0 || f.n != 0 {
		t.Fatalf("HALO_WARMUP=0: %+v, %v, sample asked %d, %d reads", rep, err, s.asked, f.n)
	}
	f = &jitNeo4j{cost: falling}
	if rep, err := warmUp(f, &sampler{}, time.Second).Run(context.Background()); err != nil || rep.Reads != 0 || f.n != 0 {
		t.Fatalf("no members: %+v, %v, %d reads", rep, err, f.n)
	}
	// Halod stopping meanwhile ends it without an error of its own.
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(50*time.Millisecond, cancel)
	f = &jitNeo4j{cost: func(int) time.Duration { return 20 * time.Millisecond }}
	rep, err := warmUp(f, network(), 10*time.Second).Run(ctx)
	if err != nil {
		t.Fatalf("stopped: %+v, %v; want no error of its own", rep, err)
	}
	if rep.Elapsed > time.Second {
		t.Fatalf("stopped after %v; want at once", rep.Elapsed)
	}
}
