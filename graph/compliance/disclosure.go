package compliance

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/halo-oss/halo/engine"
	"github.com/halo-oss/halo/graph"
)

// The income disclosure statement follows the FTC's guidance and its 2024 staff report on
// income disclosure statements: everyone who was a consultant in the period is counted, zero
// earners included, and the statement says plainly what is counted — gross commissions, before
// any expenses.

// DisclosureBasis is printed on every statement.
const DisclosureBasis = "Earnings are gross commissions and bonuses paid by committed payout runs whose period ended within the dates above, before any expenses a consultant had (starter packs, upgrades, travel, marketing, taxes). Every person who was a consultant at any time in the period is counted, including those who earned nothing. Customers are not consultants and are not counted as participants. Most consultants earn little or nothing; these figures are not a promise of what you will earn."

// Participant is a consultant of the period, as the store reads it.
type Participant struct {
	MemberID     string
	RegisteredAt time.Time
	Ended        *time.Time // terminated at
	Earned       engine.Units
	Ranks        []string // every rank a committed run of the period gave it
}

// SalesSplit is the sales BV of the period by who bought.
type SalesSplit struct {
	Customers, Consultants engine.Units
}

// DisclosureStore reads a period.
type DisclosureStore interface {
	Participants(ctx context.Context, from, to time.Time, exclude string) ([]Participant, error)
	CustomersIn(ctx context.Context, from, to time.Time) (int64, error)
	SalesBV(ctx context.Context, from, to time.Time) (SalesSplit, error)
}

// EarningsRow is the earnings of a group of participants.
type EarningsRow struct {
	Rank             string `json:"rank"` // the highest rank held in the period; "all" for everyone
	Participants     int64  `json:"participants"`
	Share            string `json:"share_of_participants" example:"62.50"` // percent
	Min              string `json:"min"`
	P10              string `json:"p10"`
	P25              string `json:"p25"`
	Median           string `json:"median"`
	P75              string `json:"p75"`
	P90              string `json:"p90"`
	Mean             string `json:"mean"`
	Max              string `json:"max"`
	EarnedNothing    string `json:"share_earned_nothing" example:"48.00"` // percent
	MedianTenureDays int64  `json:"median_tenure_days"`
}

// Disclosure is an income disclosure statement.
type Disclosure struct {
	From         time.Time     `json:"from"`
	To           time.Time     `json:"to"`
	Basis        string        `json:"basis"`
	All          EarningsRow   `json:"all"`
	ByRank       []EarningsRow `json:"by_rank"`
	Customers    int64         `json:"customers"`
	CustomerBV   string        `json:"sales_bv_customers"`
	ConsultantBV string        `json:"sales_bv_consultants"`
	CustomerPct  string        `json:"share_of_sales_bv_customers" example:"71.20"`
	GeneratedAt  time.Time     `json:"generated_at"`
}

// DisclosureRequest names the period; the default is the last full calendar year.
type DisclosureRequest struct {
	From, To *time.Time
	Year     int
}

func row(rank string, ps []Participant, all int64, to time.Time) EarningsRow {
	r := EarningsRow{Rank: rank, Participants: int64(len(ps)), Share: graph.Percent(int64(len(ps)), all)}
	if len(ps) == 0 {
		z := graph.Money(0)
		r.Min, r.P10, r.P25, r.Median, r.P75, r.P90, r.Mean, r.Max, r.EarnedNothing = z, z, z, z, z, z, z, z, "0.00"
		return r
	}
	earned := make([]engine.Units, len(ps))
	tenure := make([]int64, len(ps))
	var sum engine.Units
	zero := int64(0)
	for i, p := range ps {
		earned[i] = p.Earned
		sum += p.Earned
		if p.Earned <= 0 {
			zero++
		}
		end := to
		if p.Ended != nil && p.Ended.Before(end) {
			end = *p.Ended
		}
		tenure[i] = max(int64(end.Sub(p.RegisteredAt).Hours()/24), 0)
	}
	n := engine.Units(len(ps))
	mean := (sum*2 + n) / (2 * n)
	if sum < 0 {
		mean = -((-sum*2 + n) / (2 * n))
	}
	r.Min, r.Max = graph.Money(earned[0]), graph.Money(earned[len(earned)-1])
	r.P10, r.P25, r.Median = graph.Money(graph.NearestRank(earned, 10)), graph.Money(graph.NearestRank(earned, 25)), graph.Money(graph.NearestRank(earned, 50))
	r.P75, r.P90, r.Mean = graph.Money(graph.NearestRank(earned, 75)), graph.Money(graph.NearestRank(earned, 90)), graph.Money(mean)
	r.EarnedNothing = graph.Percent(zero, int64(len(ps)))
	r.MedianTenureDays = graph.NearestRank(tenure, 50)
	return r
}

type cachedDisclosure struct {
	d  *Disclosure
	at time.Time
}

// Disclose returns the income disclosure statement of a period. A statement is reused for ten
// minutes: every consultant may open it, and at a million members it reads every statement of
// the period.
func (s *Service) Disclose(ctx context.Context, req DisclosureRequest) (*Disclosure, error) {
	key := fmt.Sprint(req.Year, req.From, req.To)
	if c, ok := s.disclosures.Load(key); ok && s.Now().Sub(c.(cachedDisclosure).at) < 10*time.Minute {
		return c.(cachedDisclosure).d, nil
	}
	d, err := s.disclose(ctx, req)
	if err == nil {
		now := s.Now()
		// Statements past their ten minutes go, so asking many periods cannot grow the cache.
		s.disclosures.Range(func(k, v any) bool {
			if now.Sub(v.(cachedDisclosure).at) >= 10*time.Minute {
				s.disclosures.Delete(k)
			}
			return true
		})
		s.disclosures.Store(key, cachedDisclosure{d, now})
	}
	return d, err
}

func (s *Service) disclose(ctx context.Context, req DisclosureRequest) (*Disclosure, error) {
	now := s.Now().UTC()
	from, to := time.Date(now.Year()-1, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(now.Year(), 1, 1, 0, 0, 0, 0, time.UTC)
	switch {
	case req.Year != 0:
		if req.Year < 2000 || req.Year > now.Year() {
			return nil, graph.InvalidField("year", "must be from 2000 to %d", now.Year())
		}
		from, to = time.Date(req.Year, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(req.Year+1, 1, 1, 0, 0, 0, 0, time.UTC)
	case req.From != nil || req.To != nil:
		if req.From == nil || req.To == nil || !req.From.Before(*req.To) || req.To.Sub(*req.From) > 5*366*24*time.Hour {
			return nil, graph.InvalidField("from", "from and to are both needed, from before to, at most five years apart")
		}
		from, to = req.From.UTC(), req.To.UTC()
	}
	ps, err := s.Disclosures.Participants(ctx, from, to, s.RootID)
	if err != nil {
		return nil, err
	}
	// Highest rank held in the period, in the plan's order (PLAN.md §4 step 3); none without one.
	order := map[string]int{}
	for i, r := range s.Ranks {
		order[r] = i
	}
	groups := map[string][]Participant{}
	for _, p := range ps {
		best := ""
		if len(s.Ranks) > 0 {
			best = s.Ranks[0]
		}
		for _, r := range p.Ranks {
			if order[r] > order[best] {
				best = r
			}
		}
		groups[best] = append(groups[best], p)
	}
	end := to
	if now.Before(end) {
		end = now // tenure of a period still running: up to today
	}
	d := &Disclosure{From: from, To: to, Basis: DisclosureBasis, All: row("all", ps, int64(len(ps)), end), ByRank: []EarningsRow{}, GeneratedAt: now}
	for i := len(s.Ranks) - 1; i >= 0; i-- {
		d.ByRank = append(d.ByRank, row(s.Ranks[i], groups[s.Ranks[i]], int64(len(ps)), end))
	}
	if d.Customers, err = s.Disclosures.CustomersIn(ctx, from, to); err != nil {
		return nil, err
	}
	split, err := s.Disclosures.SalesBV(ctx, from, to)
	if err != nil {
		return nil, err
	}
	d.CustomerBV, d.ConsultantBV = graph.BV(split.Customers), graph.BV(split.Consultants)
	d.CustomerPct = graph.Percent(int64(split.Customers), int64(split.Customers+split.Consultants))
	return d, nil
}

// DisclosureCSVHeader is the statement's CSV columns, one row per rank and one for everyone.
var DisclosureCSVHeader = []string{"period_from", "period_to", "rank", "participants", "share_of_participants_pct", "min", "p10", "p25", "median", "p75", "p90",
	"mean", "max", "share_earned_nothing_pct", "median_tenure_days", "what_is_counted"}

// CSVRows is the statement as CSV rows.
func (d *Disclosure) CSVRows() [][]string {
	var out [][]string
	for _, r := range append([]EarningsRow{d.All}, d.ByRank...) {
		out = append(out, []string{d.From.Format("2006-01-02"), d.To.Format("2006-01-02"), r.Rank, itoa(r.Participants), r.Share, r.Min, r.P10, r.P25,
			r.Median, r.P75, r.P90, r.Mean, r.Max, r.EarnedNothing, itoa(r.MedianTenureDays), d.Basis})
	}
	return out
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
