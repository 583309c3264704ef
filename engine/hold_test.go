package engine

import (
	"slices"
	"testing"
	"time"
)

// PLAN.md §9: an activation within its rescission window at the run's end waits — unaccounted,
// no activity — and on the boundary (occurred_at + hold_days = end) it is still held.
func TestHoldsDelayActivations(t *testing.T) {
	end := time.Date(2026, 1, 12, 0, 0, 0, 0, time.UTC)
	reg := end.AddDate(0, 0, -20)
	members := []Member{
		{ID: "root", Plan: PlanConsultantPlus, RegisteredAt: reg},
		{ID: "A", Plan: PlanConsultant, Sponsor: "root", Parent: "root", Leg: LegLeft, RegisteredAt: reg},
	}
	sale := func(id string, at time.Time, hold int) Sale {
		return Sale{ID: id, Kind: SaleActivation, Member: "A", OccurredAt: at, BV: 10000, CV: 1000, Retail: 500, Vendor: "v", HoldDays: hold}
	}
	in := Input{End: end, Members: members, Sales: []Sale{
		sale("boundary", end.AddDate(0, 0, -3), 3),               // occurred + 3d = end: held
		sale("past", end.AddDate(0, 0, -3).Add(-time.Second), 3), // occurred + 3d < end: accounted
		sale("plain", end.Add(-time.Hour), 0),                    // no hold
		sale("inside", end.AddDate(0, 0, -1), 14),                // held
	}}
	res, err := Run(in)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(res.AccountedSales, []string{"past", "plain"}) {
		t.Errorf("accounted %v", res.AccountedSales)
	}
	for _, m := range res.Members {
		if m.Member == "A" && m.PersonalVolume != 20000 {
			t.Errorf("held activations count toward no activity: PV %d", m.PersonalVolume)
		}
	}
	// A week later both held activations are past their windows.
	in.End = end.AddDate(0, 0, 14)
	for i := range in.Sales {
		in.Sales[i].Accounted = slices.Contains(res.AccountedSales, in.Sales[i].ID)
	}
	res, err = Run(in)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(res.AccountedSales, []string{"boundary", "inside"}) {
		t.Errorf("the next run accounts the held ones: %v", res.AccountedSales)
	}
}
