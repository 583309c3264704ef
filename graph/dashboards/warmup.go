package dashboards

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/halo-oss/halo/graph"
)

// MemberSampler gives the ids of up to n consultants and up to n customers, spread over the
// network by chance (the store's one pass over the members).
type MemberSampler interface {
	SampleMembers(ctx context.Context, n int) (consultants, customers []string, err error)
}

// WarmUp has a Neo4j that has just started serve the reads people make most — consultants' and
// customers' dashboards and the binary tree's first levels — for real members, a few at a time,
// until they stop getting faster, before halod reports ready.
//
// Measured in issue #19 at 200,000 consultants: right after Neo4j starts, 200 dashboards a
// second got about half of 6,000 served (p50 10.5 s), with the plans made and the page cache
// read; after 30 s of 30 dashboards a second all were served (p99 2.8 s). Neo4j's JVM compiles
// its hot code as it runs it, and until then each read costs several times its warm CPU. The
// warm-up gives it that work while nobody waits, at the concurrency of two requests, and ends
// once doubling its work twice no longer makes them much faster: a Neo4j that is already warm
// (halod alone restarted, or another replica serving) costs 32 rounds, about 1.5 s.
type WarmUp struct {
	Sample     MemberSampler
	Dashboards *DashboardService
	// Sessions, when set, is checked before each read as every signed-in request checks its
	// token (identity); nil leaves that read cold.
	Sessions SessionChecker
	// Max bounds the whole warm-up (HALO_WARMUP); a Neo4j that never settles is served anyway.
	Max time.Duration
}

// SessionChecker is the session check every signed-in request makes (identity).
type SessionChecker interface {
	Revoked(ctx context.Context, tokenID, accountID string, issuedAt time.Time) (bool, error)
}

// WarmReport is what a warm-up did: its reads, each round's median latency, and whether it
// ended because the reads stopped getting faster (Settled) or at Max.
type WarmReport struct {
	Reads   int
	Medians []time.Duration
	Elapsed time.Duration
	Settled bool
}

// A warm-up is settled once, twice in a row, the latest half of its rounds is not warmGain
// faster than the quarter before it, judged when the rounds reach a power of two from
// warmFirstJudged on: the JVM's gains come per doubling of the work, not per round, and a
// round's median is noisy. Measured at 200,000 consultants right after Neo4j started (24 reads
// a round, two at a time): round medians of 40–60 ms at first, 8 ms after 20 rounds, 5 ms
// after 100, 3 ms after 300, 2.2–2.5 ms after 500 and no lower by 1,300; each doubling until
// then 18–40 % faster, yet one judgement alone stopped two cold warm-ups of six at 8 and 32
// rounds, 12 ms a read, and their first seconds of traffic queued for up to a second.
const (
	warmWorkers     = 2  // reads at once in a measured round
	warmRound       = 24 // reads per measured round
	warmGain        = 0.85
	warmFirstJudged = 16
	warmFlatJudged  = 2
	warmCold        = 2    // a first round this many times slower than the latest: Neo4j was cold
	warmSample      = 4096 // members, so the reads touch much of the indexes' pages too
	warmBurst       = 16
)

// Run warms Neo4j up. An error is the sampling's or a read's other than "not found"; the caller
// goes on to serve (a slower start is no reason to stay unready).
func (w *WarmUp) Run(ctx context.Context) (WarmReport, error) {
	start := time.Now()
	var rep WarmReport
	if w.Max <= 0 {
		return rep, nil
	}
	parent := ctx
	ctx, cancel := context.WithTimeout(ctx, w.Max)
	defer cancel()
	cons, custs, err := w.Sample.SampleMembers(ctx, warmSample)
	if err != nil || len(cons) == 0 {
		rep.Elapsed = time.Since(start)
		return rep, err
	}
	next, flat := 0, 0
	for ctx.Err() == nil {
		took := make([]time.Duration, warmRound)
		var firstErr error
		var mu sync.Mutex
		var wg sync.WaitGroup
		jobs := make(chan int)
		for range warmWorkers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for j := range jobs {
					t0 := time.Now()
					err := w.read(ctx, next+j, cons, custs)
					took[j] = time.Since(t0)
					// A member the sample named and that is gone since changes nothing.
					if err != nil && ctx.Err() == nil && graph.KindOf(err) != graph.KindNotFound {
						mu.Lock()
						firstErr = cmp.Or(firstErr, err)
						mu.Unlock()
					}
				}
			}()
		}
	send:
		for j := range warmRound {
			select {
			case jobs <- j:
			case <-ctx.Done():
				break send
			}
		}
		close(jobs)
		wg.Wait()
		if ctx.Err() != nil {
			break
		}
		if firstErr != nil {
			rep.Elapsed = time.Since(start)
			return rep, firstErr
		}
		next += warmRound
		rep.Reads += warmRound
		rep.Medians = append(rep.Medians, median(took))
		if n := len(rep.Medians); n >= warmFirstJudged && n&(n-1) == 0 {
			if float64(median(rep.Medians[n/2:])) > warmGain*float64(median(rep.Medians[n/4:n/2])) {
				flat++
			} else {
				flat = 0
			}
			// A Neo4j that started cold goes on to the bound: its gains come in steps, with
			// plateaus that look settled (one stopped at 1,536 reads, 9.9 ms a read, and its
			// first 30 s of traffic had a p99 of 143 ms).
			if flat == warmFlatJudged && rep.Medians[0] <= warmCold*median(rep.Medians[n/2:]) {
				rep.Settled = true
				break
			}
		}
	}
	if parent.Err() == nil { // settled or at its bound, not stopping
		w.burst(parent, next, cons, custs)
	}
	rep.Elapsed = time.Since(start)
	return rep, nil
}

// burst ends the warm-up with 2×warmBurst reads sent at once, so Neo4j has opened (and compiled the
// code that opens) the connections the first second of traffic asks for. Measured in issue
// #19: the first second of 200 dashboards a second after a cold restart queued for 0.2–1 s in
// five of nine warmed-up runs without it, in none of four clean runs with it; after a
// halod-only restart, whose Neo4j had opened many before, in none.
func (w *WarmUp) burst(ctx context.Context, next int, cons, custs []string) {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	var wg sync.WaitGroup
	for j := range 2 * warmBurst {
		wg.Add(1)
		go func() { defer wg.Done(); _ = w.read(ctx, next+j, cons, custs) }()
	}
	wg.Wait()
}

// read is the i-th read of the warm-up, after the session check: two consultants' dashboards
// in four reads, then a customer's, then a binary tree as the back office first asks for it.
func (w *WarmUp) read(ctx context.Context, i int, cons, custs []string) error {
	s := w.Dashboards
	id := cons[i%len(cons)]
	if w.Sessions != nil {
		// A token id no session has (tokens carry 12 random bytes in hex): nothing is revoked.
		if _, err := w.Sessions.Revoked(ctx, fmt.Sprintf("warm-up-%016x", i), id, s.Now().UTC()); err != nil {
			return err
		}
	}
	switch {
	case i%4 == 2 && len(custs) > 0:
		_, err := s.Customers.CustomerData(ctx, CustomerQuery{ID: custs[i%len(custs)], Now: s.Now().UTC(), UpcomingLimit: customerUpcoming})
		return err
	case i%4 == 3:
		_, err := s.Trees.BinaryTree(ctx, id, 3, "", 0)
		return err
	default:
		now := s.Now().UTC()
		_, err := s.Consultants.ConsultantData(ctx, ConsultantQuery{ID: id, RecruitsSince: now.AddDate(0, 0, -30), Now: now, HeldLimit: 100, UpcomingLimit: 20})
		return err
	}
}

func median(ds []time.Duration) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[len(s)/2]
}
