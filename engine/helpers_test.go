package engine

import (
	"testing"
	"time"
)

var t0 = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

func day(d int) time.Time { return t0.AddDate(0, 0, d) }

// net builds snapshots tersely for rule tests.
type net struct {
	in Input
}

func newNet(end time.Time) *net {
	n := &net{in: Input{Config: DefaultConfig(), End: end}}
	n.in.Members = append(n.in.Members, Member{ID: "root", Plan: PlanConsultantPlus, RegisteredAt: day(0)})
	// The root's registration is a pack purchase like any other (PLAN.md §2).
	n.in.Sales = append(n.in.Sales, Sale{ID: "pack:root", Kind: SalePack, Member: "root", OccurredAt: end.AddDate(0, 0, -1), Price: mustU("299"), BV: mustU("150")})
	return n
}

// consultant registers a member under sponsor at parent/leg; pack is its pack sale (if priced).
func (n *net) consultant(id string, plan Plan, sponsor, parent string, leg Leg, at time.Time) *net {
	n.in.Members = append(n.in.Members, Member{ID: id, Plan: plan, Sponsor: sponsor, Parent: parent, Leg: leg, RegisteredAt: at})
	if r := n.in.Config.Rule(plan); r.Price > 0 {
		n.in.Sales = append(n.in.Sales, Sale{ID: "pack:" + id, Kind: SalePack, Member: id, OccurredAt: at, Price: r.Price, BV: r.BV})
	}
	return n
}

func (n *net) customer(id, sponsor string, at time.Time) *net {
	n.in.Members = append(n.in.Members, Member{ID: id, Plan: PlanCustomer, Sponsor: sponsor, RegisteredAt: at})
	return n
}

func (n *net) activation(id, member string, bv, cv, retail string, at time.Time) *net {
	n.in.Sales = append(n.in.Sales, Sale{ID: id, Kind: SaleActivation, Member: member, OccurredAt: at, BV: mustU(bv), CV: mustU(cv), Retail: mustU(retail), Vendor: "v"})
	return n
}

func (n *net) prev(id, rank string, cl, cr, ll, lr string) *net {
	n.in.Prev = append(n.in.Prev, State{Member: id, Rank: rank, CarryLeft: mustU(cl), CarryRight: mustU(cr), LifetimeLeft: mustU(ll), LifetimeRight: mustU(lr)})
	return n
}

func mustU(s string) Units {
	v, err := ParseUnits(s)
	if err != nil {
		panic(err)
	}
	return v
}

func run(t *testing.T, n *net) *Result {
	t.Helper()
	res, err := Run(n.in)
	if err != nil {
		t.Fatalf("run: %v", err)
	}
	return res
}

func linesOf(res *Result, member string, typ LineType) []Line {
	var out []Line
	for _, l := range res.Lines() {
		if l.Member == member && l.Type == typ {
			out = append(out, l)
		}
	}
	return out
}

func memberOf(t *testing.T, res *Result, id string) MemberResult {
	t.Helper()
	for _, m := range res.Members {
		if m.Member == id {
			return m
		}
	}
	t.Fatalf("no state for %s", id)
	return MemberResult{}
}

func sum(ls []Line) Units {
	var s Units
	for _, l := range ls {
		s += l.Amount
	}
	return s
}
