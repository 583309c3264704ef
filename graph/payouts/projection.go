package payouts

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/halo-oss/halo/engine"
	"github.com/halo-oss/halo/graph"
)

// Projected is a consultant's what-if result for the open period: what the next run would pay
// and leave if it were drafted now (PLAN.md §4), plus downline counts.
type Projected struct {
	State       engine.MemberResult
	ByType      [8]engine.Units // indexed by engine.LineType
	Generations [8]int32        // members per sponsor generation 1..8
}

// Projection is one complete what-if run, kept in memory.
type Projection struct {
	PeriodEnd time.Time
	AsOf      time.Time
	Members   map[string]*Projected
}

// ProjectionCache is where the deployment's one projection lives (Redis): the replica that holds
// its lease computes and publishes it, every replica reads it.
type ProjectionCache interface {
	// ProjectionLease takes or renews the lease: the fencing token, or 0 while another holds it.
	ProjectionLease(ctx context.Context, holder string, ttl time.Duration) (int64, error)
	ProjectionRelease(ctx context.Context, holder string) error
	// PublishProjection makes p the current projection, refused with ErrFenced unless token is
	// still the lease's.
	PublishProjection(ctx context.Context, token int64, p *Projection) error
	// LookupProjection returns the current projection for ids (nil before the first).
	LookupProjection(ctx context.Context, ids []string) (*Projection, error)
	RequestProjection(ctx context.Context) (int64, error)
	ProjectionRequested(ctx context.Context) (int64, error)
}

// Projector recomputes the projection in the background: at start, then whenever events were
// accepted since the last one, at most every Interval. Dashboards read it without waiting. With
// Shared set, one replica of the deployment (the lease holder) computes it and publishes it
// there, and every replica reads the same one; without, it lives in this process.
type Projector struct {
	Payouts  *PayoutService
	Feed     VolumeFeed
	Log      *slog.Logger
	Interval time.Duration // default 5 minutes
	Shared   ProjectionCache
	Holder   string        // this replica's name in the lease (default: host, process, random)
	LeaseTTL time.Duration // default 10 s

	mu         sync.RWMutex
	current    *Projection
	since      time.Time
	stale      atomic.Bool
	token      int64
	wantSeen   int64
	computedAt time.Time
}

// Stale makes the next refresh recompute although no sale arrived: a status change or a refund
// changes who earns and what is open (PLAN.md §10, §11). Any replica may say so; the holder
// recomputes.
func (p *Projector) Stale() {
	p.stale.Store(true)
	if p.Shared != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		_, _ = p.Shared.RequestProjection(ctx)
	}
}

func (p *Projector) defaults() {
	if p.Interval == 0 {
		p.Interval = 5 * time.Minute
	}
	if p.LeaseTTL == 0 {
		p.LeaseTTL = 10 * time.Second
	}
	if p.Holder == "" {
		p.Holder = graph.InstanceName()
	}
}

// Lookup returns the projection of ids: from the deployment's shared one, or this process's.
func (p *Projector) Lookup(ctx context.Context, ids []string) (*Projection, error) {
	if p.Shared != nil {
		return p.Shared.LookupProjection(ctx, ids)
	}
	cur := p.Current()
	if cur == nil {
		return nil, nil
	}
	out := &Projection{PeriodEnd: cur.PeriodEnd, AsOf: cur.AsOf, Members: make(map[string]*Projected, len(ids))}
	for _, id := range ids {
		if m := cur.Members[id]; m != nil {
			out.Members[id] = m
		}
	}
	return out, nil
}

// Current returns the latest projection (nil before the first one).
func (p *Projector) Current() *Projection {
	p.mu.RLock()
	defer p.mu.RUnlock()
	return p.current
}

// Run keeps the projection fresh until ctx ends.
func (p *Projector) Run(ctx context.Context) {
	p.defaults()
	interval := p.Interval
	if p.Shared != nil {
		// Renewed beside the refreshes: a projection of a million consultants outlasts the TTL.
		graph.KeepLease(ctx, p.LeaseTTL,
			func(ctx context.Context) { _, _ = p.Shared.ProjectionLease(ctx, p.Holder, p.LeaseTTL) },
			func(ctx context.Context) { _ = p.Shared.ProjectionRelease(ctx, p.Holder) })
		if interval > p.LeaseTTL {
			// A standby checks the lease often enough to take over within seconds; the holder
			// still recomputes at most every Interval (Refresh decides).
			interval = p.LeaseTTL / 2
		}
	}
	for {
		if err := p.Refresh(ctx, false); err != nil && ctx.Err() == nil {
			p.Log.Warn("projection failed; retried later", "error", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(interval):
		}
	}
}

// Refresh recomputes when anything changed since the last projection (or when forced); with a
// shared projection, only on the replica that holds its lease.
func (p *Projector) Refresh(ctx context.Context, force bool) error {
	p.defaults()
	var want int64
	if p.Shared != nil {
		token, err := p.Shared.ProjectionLease(ctx, p.Holder, p.LeaseTTL)
		if err != nil {
			return err
		}
		if token == 0 {
			p.token = 0
			return nil
		}
		if token != p.token {
			p.token, force = token, true // a new holder publishes its own before trusting "nothing changed"
		}
		if want, err = p.Shared.ProjectionRequested(ctx); err != nil {
			return err
		}
		if want != p.wantSeen {
			p.stale.Store(true) // asked for elsewhere: like Stale here, at the next due time
		}
		if !force && time.Since(p.computedAt) < p.Interval {
			return nil // recomputed at most every Interval, however often the lease is checked
		}
	}
	if !force && p.Current() != nil && !p.stale.Swap(false) {
		changes, _, err := p.Feed.ChangesSince(ctx, p.since)
		if err != nil {
			return err
		}
		if len(changes) == 0 {
			return nil
		}
	}
	started := time.Now()
	p.computedAt = started
	last, err := p.Payouts.Store.LastCommitted(ctx)
	if err != nil {
		return err
	}
	now := p.Payouts.Now().UTC()
	end := now
	var start *time.Time
	if last != nil {
		st := last.PeriodEnd
		start = &st
		end = last.PeriodEnd.AddDate(0, 0, p.Payouts.Plan.CadenceDays)
	}
	res, snap, _, err := p.Payouts.compute(ctx, start, end)
	if err != nil {
		return err
	}
	proj := &Projection{PeriodEnd: end, AsOf: now, Members: make(map[string]*Projected, len(res.Members))}
	for _, m := range res.Members {
		proj.Members[m.Member] = &Projected{State: m}
	}
	for _, l := range res.Lines() {
		if pm := proj.Members[l.Member]; pm != nil {
			pm.ByType[l.Type] += l.Amount
		}
	}
	// Members per sponsor generation, 1..8, for every consultant: eight steps up per member.
	sponsor := make(map[string]string, len(snap.Members))
	for _, m := range snap.Members {
		if m.RegisteredAt.Before(end) {
			sponsor[m.ID] = m.Sponsor
		}
	}
	for id := range sponsor {
		a := sponsor[id]
		for g := 0; g < 8 && a != ""; g, a = g+1, sponsor[a] {
			if pm := proj.Members[a]; pm != nil {
				pm.Generations[g]++
			}
		}
	}
	if p.Shared != nil {
		if err := p.Shared.PublishProjection(ctx, p.token, proj); err != nil {
			if errors.Is(err, ErrFenced) {
				p.token = 0
				return nil
			}
			return err
		}
		p.wantSeen = want
		// Every replica reads the published one: this process keeps only when it was made.
		proj = &Projection{PeriodEnd: proj.PeriodEnd, AsOf: proj.AsOf}
	}
	p.mu.Lock()
	p.current = proj
	p.since = now.Add(-time.Minute)
	p.mu.Unlock()
	p.Log.Info("earnings projection refreshed", "period_end", end.Format(time.RFC3339), "consultants", len(res.Members), "shared", p.Shared != nil, "elapsed", time.Since(started).Round(time.Millisecond))
	return nil
}
