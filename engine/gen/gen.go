// Package gen builds deterministic synthetic networks for property tests, benchmarks and load
// tests. It is pure: the same Spec gives the same network.
package gen

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"github.com/halo-oss/halo/engine"
)

// Spec describes a network.
type Spec struct {
	Seed        uint64
	Consultants int // including the root
	Customers   int
	Sales       int // sales in the period (packs of new consultants count)
	// ChainDepth consultants at the start form an extreme-left chain (each sponsors and places the
	// next on its left), the deep spillover real networks have.
	ChainDepth int
	// NewShare is the share of consultants (in percent) that registered inside the period.
	NewShare int
	End      time.Time
}

// Product is a catalogue entry used for activations (PLAN.md §5 defaults).
type Product struct {
	Vendor, SKU    string
	BV, CV, Retail engine.Units
}

// Catalogue is the demo catalogue of PLAN.md §5.
var Catalogue = []Product{
	{"sunpower-demo", "SOLAR-6KW", 40000, 120000, 30000},
	{"sunpower-demo", "BATTERY-13KWH", 20000, 60000, 15000},
	{"ecobee-demo", "THERMOSTAT", 1000, 3000, 1500},
	{"chargepoint-demo", "EV-CHARGER", 6000, 15000, 4000},
}

// Network is a generated snapshot plus what a test needs to know about it.
type Network struct {
	Input       engine.Input
	ConsultantN int
}

// ID returns the id of member i ("m0000001" style, root is "root").
func ID(i int) string {
	if i == 0 {
		return "root"
	}
	return fmt.Sprintf("m%08d", i)
}

// Build generates the network. Members and sales come sorted by id. Placement is legal: a consultant's parent is its sponsor or below it.
func Build(s Spec) *Network {
	rng := rand.New(rand.NewPCG(s.Seed, s.Seed^0x9e3779b97f4a7c15))
	if s.End.IsZero() {
		s.End = time.Date(2026, 3, 9, 0, 0, 0, 0, time.UTC)
	}
	if s.NewShare == 0 {
		s.NewShare = 10
	}
	start := s.End.AddDate(0, 0, -7)
	long := s.End.AddDate(0, -6, 0)
	cfg := engine.DefaultConfig()
	nc := max(s.Consultants, 1)
	total := nc + s.Customers
	in := engine.Input{Config: cfg, Start: start, End: s.End}
	in.Members = make([]engine.Member, 0, total)
	left := make([]int32, nc)
	right := make([]int32, nc)
	for i := range left {
		left[i], right[i] = -1, -1
	}
	plans := []engine.Plan{engine.PlanAffiliate, engine.PlanConsultant, engine.PlanConsultant, engine.PlanConsultantPlus}
	in.Members = append(in.Members, engine.Member{ID: ID(0), Plan: engine.PlanConsultantPlus, RegisteredAt: long})
	// Nobody registers before its sponsor or its placement parent (PLAN.md §2; Halo refuses such
	// data): a member's time is at least a second after both.
	ats := make([]time.Time, nc)
	ats[0] = long
	after := func(t time.Time, others ...int) time.Time {
		for _, o := range others {
			if !t.After(ats[o]) {
				t = ats[o].Add(time.Second)
			}
		}
		return t
	}
	var sales []engine.Sale
	newFrom := nc - nc*s.NewShare/100
	for i := 1; i < nc; i++ {
		var sp int
		if i < s.ChainDepth {
			sp = i - 1
		} else {
			// Recent members recruit more: pick among the last quarter half the time.
			if rng.IntN(2) == 0 {
				sp = i - 1 - rng.IntN(max(i/4, 1))
			} else {
				sp = rng.IntN(i)
			}
		}
		// Place below the sponsor: walk down at random to a free slot.
		p := sp
		var leg engine.Leg
		if i < s.ChainDepth {
			leg = engine.LegLeft
		} else {
			for {
				if rng.IntN(2) == 0 {
					if left[p] < 0 {
						leg = engine.LegLeft
						break
					}
					p = int(left[p])
				} else {
					if right[p] < 0 {
						leg = engine.LegRight
						break
					}
					p = int(right[p])
				}
			}
		}
		if leg == engine.LegLeft {
			left[p] = int32(i)
		} else {
			right[p] = int32(i)
		}
		at := long.Add(time.Duration(i) * time.Second)
		if i >= newFrom {
			at = start.Add(time.Duration(rng.Int64N(int64(7 * 24 * time.Hour))))
		}
		at = after(at, sp, p)
		ats[i] = at
		pl := plans[rng.IntN(len(plans))]
		in.Members = append(in.Members, engine.Member{ID: ID(i), Plan: pl, Sponsor: ID(sp), Parent: ID(p), Leg: leg, RegisteredAt: at})
		if r := cfg.Rule(pl); r.Price > 0 && i >= newFrom {
			sales = append(sales, engine.Sale{ID: "pack:" + ID(i), Kind: engine.SalePack, Member: ID(i), OccurredAt: at, Price: r.Price, BV: r.BV})
		}
	}
	for j := 0; j < s.Customers; j++ {
		sp := rng.IntN(nc)
		in.Members = append(in.Members, engine.Member{ID: fmt.Sprintf("c%08d", j), Plan: engine.PlanCustomer, Sponsor: ID(sp),
			RegisteredAt: after(long.Add(time.Duration(j)*time.Second), sp)})
	}
	for k := 0; len(sales) < s.Sales; k++ {
		var who string
		if s.Customers > 0 && rng.IntN(4) != 0 {
			who = fmt.Sprintf("c%08d", rng.IntN(s.Customers))
		} else {
			who = ID(rng.IntN(nc))
		}
		p := Catalogue[rng.IntN(len(Catalogue))]
		at := start.Add(time.Duration(rng.Int64N(int64(7 * 24 * time.Hour))))
		if rng.IntN(10) == 0 {
			at = at.AddDate(0, 0, -14) // accounted earlier: counts for activity only
		}
		sl := engine.Sale{ID: fmt.Sprintf("act-%09d", k), Kind: engine.SaleActivation, Member: who, OccurredAt: at,
			BV: p.BV, CV: p.CV, Retail: p.Retail, Vendor: p.Vendor}
		if at.Before(start) {
			sl.Accounted = true
		}
		sales = append(sales, sl)
	}
	in.Sales = sales
	// Previous state: some carry and lifetime, some ranks.
	ranks := []string{"none", "none", "none", "bronze", "silver", "gold", "platinum"}
	for i := 0; i < nc; i++ {
		if rng.IntN(3) != 0 {
			continue
		}
		c := engine.Units(rng.Int64N(3_000_000))
		in.Prev = append(in.Prev, engine.State{Member: ID(i), Rank: ranks[rng.IntN(len(ranks))], CarryLeft: c, CarryRight: c / 3, LifetimeLeft: c * 4, LifetimeRight: c * 2})
	}
	// Sorted by id, as the store reads them: the engine then skips its canonicalising sort.
	slices.SortFunc(in.Members, func(a, b engine.Member) int { return strings.Compare(a.ID, b.ID) })
	slices.SortFunc(in.Sales, func(a, b engine.Sale) int { return strings.Compare(a.ID, b.ID) })
	return &Network{Input: in, ConsultantN: nc}
}
