package payouts

import (
	"context"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/halo-oss/halo/engine"
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

// Projector recomputes the projection in the background: at start, then whenever events were
// accepted since the last one, at most every Interval. Dashboards read it without waiting.
type Projector struct {
	Payouts  *PayoutService
	Feed     VolumeFeed
	Log      *slog.Logger
	Interval time.Duration // default 5 minutes

	mu      sync.RWMutex
	current *Projection
	since   time.Time
	stale   atomic.Bool
}

// Stale makes the next refresh recompute although no sale arrived: a status change or a refund
// changes who earns and what is open (PLAN.md §10, §11).
func (p *Projector) Stale() { p.stale.Store(true) }

// Current returns the latest projection (nil before the first one).
func (p *Projector) Current() *Projection {
	p.mu.RLock()
	defer p.mu.RUnlock()
	return p.current
}

// Run keeps the projection fresh until ctx ends.
func (p *Projector) Run(ctx context.Context) {
	interval := p.Interval
	if interval == 0 {
		interval = 5 * time.Minute
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

// Refresh recomputes when anything changed since the last projection (or when forced).
func (p *Projector) Refresh(ctx context.Context, force bool) error {
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
	p.mu.Lock()
	p.current = proj
	p.since = now.Add(-time.Minute)
	p.mu.Unlock()
	p.Log.Info("earnings projection refreshed", "period_end", end.Format(time.RFC3339), "consultants", len(proj.Members), "elapsed", time.Since(started).Round(time.Millisecond))
	return nil
}
