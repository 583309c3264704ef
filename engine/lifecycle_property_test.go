package engine_test

import (
	"math/rand/v2"
	"testing"
	"time"

	"github.com/halo-oss/halo/engine"
)

// withStatuses suspends and terminates a random tenth of the generated network's consultants
// (never the root) at random times inside the run, some suspensions later reinstated.
func withStatuses(seed uint64) (engine.Input, map[string]engine.Status) {
	nw := small(seed)
	in := nw.Input
	rng := rand.New(rand.NewPCG(seed, 99))
	want := map[string]engine.Status{}
	span := in.End.Sub(in.Start)
	if in.Start.IsZero() {
		span = 7 * 24 * time.Hour
	}
	for i, m := range in.Members {
		if !m.Plan.IsConsultant() || m.Sponsor == "" || rng.IntN(10) != 0 {
			continue
		}
		at := in.End.Add(-time.Duration(rng.Int64N(int64(span))) - time.Second)
		switch rng.IntN(3) {
		case 0:
			in.StatusEvents = append(in.StatusEvents, engine.StatusEvent{Member: m.ID, Status: engine.StatusSuspended, At: at, Seq: int64(i)})
			want[m.ID] = engine.StatusSuspended
		case 1:
			in.StatusEvents = append(in.StatusEvents,
				engine.StatusEvent{Member: m.ID, Status: engine.StatusSuspended, At: at.Add(-time.Hour), Seq: int64(2 * i)},
				engine.StatusEvent{Member: m.ID, Status: engine.StatusActive, At: at, Seq: int64(2*i + 1)})
		default:
			// A reinstatement dated after it does not undo a termination (§10: termination is final).
			in.StatusEvents = append(in.StatusEvents,
				engine.StatusEvent{Member: m.ID, Status: engine.StatusTerminated, At: at.Add(-time.Hour), Seq: int64(2 * i)},
				engine.StatusEvent{Member: m.ID, Status: engine.StatusActive, At: at, Seq: int64(2*i + 1)})
			want[m.ID] = engine.StatusTerminated
		}
	}
	return in, want
}

// PLAN.md §10: a suspended or terminated consultant is never active and earns no line but
// reversals; no member's effective sponsor is terminated; a terminated consultant ends with no
// carry; volume still flows through its place, as in the same network sponsored by hand.
func TestPropertySuspensionAndTermination(t *testing.T) {
	for seed := uint64(1); seed <= 20; seed++ {
		in, want := withStatuses(seed)
		res, err := engine.Run(in)
		if err != nil {
			t.Fatal(err)
		}
		// Suspensions move no volume; terminations move only the volume of the customers they
		// roll up (their sales now enter at the new sponsor), so the reference is the same
		// network without statuses and with the rolled-up customers re-sponsored by hand.
		ref := small(seed).Input
		sponsorOf := map[string]string{}
		for _, m := range ref.Members {
			sponsorOf[m.ID] = m.Sponsor
		}
		for i, m := range ref.Members {
			s := m.Sponsor
			for want[s] == engine.StatusTerminated {
				s = sponsorOf[s]
			}
			ref.Members[i].Sponsor = s
		}
		base, err := engine.Run(ref)
		if err != nil {
			t.Fatal(err)
		}
		baseBy := map[string]engine.MemberResult{}
		for _, m := range base.Members {
			baseBy[m.Member] = m
		}
		for _, m := range res.Members {
			st := want[m.Member]
			if m.Status != st {
				t.Fatalf("seed %d %s: status %s, want %s", seed, m.Member, m.Status, st)
			}
			if st != engine.StatusActive && m.Active {
				t.Fatalf("seed %d %s: %s but active", seed, m.Member, st)
			}
			if want[m.Sponsor] == engine.StatusTerminated {
				t.Fatalf("seed %d %s: effective sponsor %s is terminated", seed, m.Member, m.Sponsor)
			}
			if st == engine.StatusTerminated && (m.CarryLeft != 0 || m.CarryRight != 0) {
				t.Fatalf("seed %d %s: terminated with carry %s/%s", seed, m.Member, m.CarryLeft, m.CarryRight)
			}
			if b := baseBy[m.Member]; m.NewLeft != b.NewLeft || m.NewRight != b.NewRight {
				t.Fatalf("seed %d %s: new legs %s/%s, %s/%s without statuses", seed, m.Member, m.NewLeft, m.NewRight, b.NewLeft, b.NewRight)
			}
		}
		for _, l := range res.Lines() {
			if want[l.Member] != engine.StatusActive && l.ReversalOf == "" {
				t.Fatalf("seed %d: %s is %s but earns %s %s from %s", seed, l.Member, want[l.Member], l.Type, l.Amount, l.Source)
			}
		}
		if res.Totals.SalesBV != base.Totals.SalesBV {
			t.Fatalf("seed %d: sales BV %s, %s without statuses", seed, res.Totals.SalesBV, base.Totals.SalesBV)
		}
	}
}

// PLAN.md §11: refunding every accounted pack or upgrade of the previous run reverses exactly the
// direct lines paid for it; refunding one not yet accounted leaves it out of the run entirely.
func TestPropertyRefunds(t *testing.T) {
	for seed := uint64(1); seed <= 20; seed++ {
		in := small(seed).Input
		paidFor := map[string][]engine.PaidLine{}
		var refunds []engine.Refund
		voidWanted := map[string]bool{}
		for i, s := range in.Sales {
			if s.Kind == engine.SaleActivation || i%3 != 0 {
				continue
			}
			r := engine.Refund{ID: "ref-" + s.ID, Sale: s.ID, OccurredAt: in.End.Add(-time.Minute), SaleAccounted: s.Accounted}
			if s.Accounted {
				p := engine.PaidLine{ID: "line-" + s.ID, Member: in.Members[0].ID, Type: engine.LineDirect, Amount: 1234}
				r.Paid = []engine.PaidLine{p}
				paidFor[s.ID] = r.Paid
			} else if s.OccurredAt.Before(in.End) {
				voidWanted[s.ID] = true
			}
			refunds = append(refunds, r)
		}
		in.Refunds = refunds
		res, err := engine.Run(in)
		if err != nil {
			t.Fatal(err)
		}
		for _, id := range res.AccountedSales {
			if voidWanted[id] {
				t.Fatalf("seed %d: refunded sale %s accounted", seed, id)
			}
		}
		reversed := map[string]int{}
		for _, l := range res.Lines() {
			if l.ReversalOf == "" {
				continue
			}
			if l.Type == engine.LineDirect {
				p := paidFor[l.Source]
				if len(p) != 1 || p[0].ID != l.ReversalOf || l.Amount != -p[0].Amount {
					t.Fatalf("seed %d: reversal %+v does not mirror a paid direct line", seed, l)
				}
				reversed[l.Source]++
			}
		}
		for id := range paidFor {
			if reversed[id] != 1 {
				t.Fatalf("seed %d: %s reversed %d times", seed, id, reversed[id])
			}
		}
	}
}

// PLAN.md §9: whatever the hold days, no activation is accounted before occurred_at + hold_days
// is past the run's end, none counts toward activity while held, and those past their hold are
// accounted exactly as without holds.
func TestPropertyHeldNeverAccountedEarly(t *testing.T) {
	for seed := uint64(1); seed <= 20; seed++ {
		in := small(seed).Input
		rng := rand.New(rand.NewPCG(seed, 7))
		for i := range in.Sales {
			if in.Sales[i].Kind == engine.SaleActivation {
				in.Sales[i].HoldDays = rng.IntN(15)
			}
		}
		res, err := engine.Run(in)
		if err != nil {
			t.Fatal(err)
		}
		byID := map[string]engine.Sale{}
		for _, s := range in.Sales {
			byID[s.ID] = s
		}
		accounted := map[string]bool{}
		for _, id := range res.AccountedSales {
			accounted[id] = true
			s := byID[id]
			if s.Kind == engine.SaleActivation && !s.OccurredAt.Add(time.Duration(s.HoldDays)*24*time.Hour).Before(in.End) {
				t.Fatalf("seed %d: %s accounted inside its %d-day hold", seed, id, s.HoldDays)
			}
		}
		base, err := engine.Run(small(seed).Input)
		if err != nil {
			t.Fatal(err)
		}
		for _, id := range base.AccountedSales {
			s := byID[id]
			released := s.OccurredAt.Add(time.Duration(s.HoldDays) * 24 * time.Hour).Before(in.End)
			if released != accounted[id] && s.Kind == engine.SaleActivation {
				t.Fatalf("seed %d: %s released %v but accounted %v", seed, id, released, accounted[id])
			}
		}
		// Held sales count toward nobody's activity: personal volume only falls.
		basePV := map[string]engine.Units{}
		for _, m := range base.Members {
			basePV[m.Member] = m.PersonalVolume
		}
		for _, m := range res.Members {
			if m.PersonalVolume > basePV[m.Member] {
				t.Fatalf("seed %d: %s PV %s with holds, %s without", seed, m.Member, m.PersonalVolume, basePV[m.Member])
			}
		}
	}
}
