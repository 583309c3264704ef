package main

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/halo-oss/halo/graph"
	"github.com/halo-oss/halo/graph/compliance"
	"github.com/halo-oss/halo/graph/genealogy"
	"github.com/halo-oss/halo/graph/payouts"
	"github.com/halo-oss/halo/graph/sales"
	"github.com/halo-oss/halo/internal/app"
)

// The demo's history (issue #13: "a demo that shows the plan"): a few hundred consultants and
// customers under the named demo members, nine weeks of activations from all four demo vendors,
// seven committed weekly runs (and an eighth due) in which every line type appears (direct, binary with carry and a
// capped week, matching, rank, revenue share across generations, retail, pool and a clawback),
// wallets with a paid and a pending withdrawal, and a pack waiting for its payment. Deterministic
// (a fixed seed) and done once: a database that has any payout run keeps its history.

const (
	demoRuns        = 7
	demoConsultants = 220
	demoCustomers   = 180
)

var demoFirst = []string{"Ava", "Liam", "Noor", "Mateo", "Zoe", "Ethan", "Priya", "Lucas", "Maya", "Omar", "Chloe", "Ivan", "Sofia", "Kenji", "Lena", "Diego", "Amara", "Felix", "Hana", "Tomas"}
var demoLast = []string{"Silva", "Meyer", "Kowalski", "Osei", "Dubois", "Haddad", "Novak", "Costa", "Yilmaz", "Fischer", "Moreau", "Sato", "Ibrahim", "Lindqvist", "Romero", "Nakamura", "Brennan", "Petrov", "Abara", "Quinn"}

// demoHistoryEnds are the committed runs' period ends: weekly, the last one 13 days before today's
// midnight, so the next run (ending six days ago) is due: the admin's first task in the demo is
// to preview and commit it.
func demoHistoryEnds(now time.Time) []time.Time {
	day := now.UTC().Truncate(24 * time.Hour)
	ends := make([]time.Time, demoRuns)
	for k := range ends {
		ends[k] = day.AddDate(0, 0, -13-7*(demoRuns-1-k))
	}
	return ends
}

// SeedHistory builds the demo's history once; it returns false when there was one already or the
// root is too young to carry eight weeks of back-dated history.
func SeedHistory(ctx context.Context, a *app.App, rootID string, log *slog.Logger) (bool, error) {
	ctx = graph.WithActor(ctx, "seed-demo")
	if runs, err := a.Payouts.List(ctx); err != nil || len(runs) > 0 {
		return false, err
	}
	now := demoNow(a.Members.Now())
	ends := demoHistoryEnds(now)
	start := ends[0].AddDate(0, 0, -10)
	root, err := a.Members.Get(ctx, rootID)
	if err != nil {
		return false, err
	}
	if root.RegisteredAt.After(start.AddDate(0, 0, -11)) {
		log.Info("demo history skipped: the root registered too recently to back-date eight weeks", "root_registered_at", root.RegisteredAt)
		return false, nil
	}
	rng := rand.New(rand.NewPCG(13, 2026))
	at := func(from, to time.Time) time.Time {
		return from.Add(time.Duration(rng.Int64N(int64(to.Sub(from)))))
	}

	// Consultants: registered over the eight weeks in time order, each sponsored by someone older
	// (the first recruits by Ana and Carla, so the leaders the demo logins show have teams) and
	// placed on the first free leg found breadth-first below its sponsor among members older than
	// itself: a placement parent never postdates its child.
	type who struct {
		id  string
		reg time.Time
	}
	tree, err := a.Members.BinaryTree(ctx, rootID, 10, "", 1000)
	if err != nil {
		return false, err
	}
	kids := map[string]*[2]string{}
	regAt := map[string]time.Time{rootID: root.RegisteredAt}
	for _, n := range tree.Items {
		if n.ParentID == "" {
			continue
		}
		if kids[n.ParentID] == nil {
			kids[n.ParentID] = &[2]string{}
		}
		kids[n.ParentID][legIndex(n.Leg)] = n.ID
	}
	consultants := []who{}
	for _, id := range []string{"ana", "ben", "carla", "dev", "emma", "farid", "gina", "hiro", "ines", "jon", "kim", "leo"} {
		m, err := a.Members.Get(ctx, id)
		if err != nil {
			return false, err
		}
		consultants = append(consultants, who{id, m.RegisteredAt})
		regAt[id] = m.RegisteredAt
	}
	sponsorOf := map[string]string{"gina": "carla", "hiro": "carla"}
	place := func(sponsor string, reg time.Time, prefer int) (string, string) {
		queue := []string{sponsor}
		for len(queue) > 0 {
			id := queue[0]
			queue = queue[1:]
			k := kids[id]
			if k == nil {
				k = &[2]string{}
				kids[id] = k
			}
			if !regAt[id].After(reg) {
				for _, leg := range []int{prefer, 1 - prefer} {
					if k[leg] == "" {
						return id, []string{"left", "right"}[leg]
					}
				}
			}
			for _, c := range k {
				if c != "" {
					queue = append(queue, c)
				}
			}
		}
		return "", ""
	}
	regs := make([]time.Time, demoConsultants)
	for i := range regs {
		regs[i] = at(start, ends[demoRuns-1].AddDate(0, 0, 5))
	}
	slices.SortFunc(regs, func(x, y time.Time) int { return x.Compare(y) })
	plans := []string{"consultant", "consultant", "consultant", "affiliate", "consultant_plus"}
	for i, reg := range regs {
		var older []who
		for _, c := range consultants {
			if c.reg.Before(reg) {
				older = append(older, c)
			}
		}
		if len(older) == 0 {
			continue
		}
		sp := older[rng.IntN(len(older))]
		if i%3 == 0 && regAt["ana"].Before(reg) {
			sp = who{"ana", regAt["ana"]}
		} else if i%3 == 1 && regAt["carla"].Before(reg) && i < 90 {
			sp = who{"carla", regAt["carla"]}
		}
		parent, leg := place(sp.id, reg, rng.IntN(2))
		if parent == "" {
			continue
		}
		id := fmt.Sprintf("demo-c%03d", i+1)
		name := demoFirst[rng.IntN(len(demoFirst))] + " " + demoLast[rng.IntN(len(demoLast))]
		_, err := a.Members.Register(ctx, genealogy.RegisterRequest{ID: id, Name: name, Email: id + "@demo.halo.local", Password: DemoPassword,
			Plan: plans[rng.IntN(len(plans))], SponsorID: sp.id, Placement: &genealogy.Placement{ParentID: parent, Leg: leg}, RegisteredAt: &reg})
		if err != nil {
			return false, fmt.Errorf("demo consultant %s: %w", id, err)
		}
		kids[parent][legIndex(leg)] = id
		regAt[id] = reg
		sponsorOf[id] = sp.id
		consultants = append(consultants, who{id, reg})
	}

	// Customers come in through the vendors (customer.signup), then activate services.
	type ev = map[string]any
	byVendor := map[string][]ev{}
	send := func(vendor string, e ev) { byVendor[vendor] = append(byVendor[vendor], e) }
	flush := func() error {
		for vendor, evs := range byVendor {
			for i := 0; i < len(evs); i += 500 {
				body, _ := json.Marshal(map[string]any{"events": evs[i:min(i+500, len(evs))]})
				res, err := a.Ingest.Ingest(ctx, vendor, body)
				if err != nil {
					return fmt.Errorf("demo events for %s: %w", vendor, err)
				}
				for _, r := range res.Results {
					if r.Status == "rejected" {
						return fmt.Errorf("demo event %s of %s rejected: %v", r.ID, vendor, r.Error)
					}
				}
			}
		}
		clear(byVendor)
		return nil
	}
	signedUp := map[string]map[string]bool{} // customer -> vendors that signed it up
	joined := map[string]time.Time{}         // customer -> when it first signed up (with any vendor)
	seq := 0
	activate := func(vendor, customer, sponsor, sku string, when time.Time) string {
		if signedUp[customer] == nil {
			signedUp[customer] = map[string]bool{}
			joined[customer] = when.Add(-time.Hour)
		}
		if !signedUp[customer][vendor] {
			signedUp[customer][vendor] = true
			seq++
			send(vendor, ev{"id": fmt.Sprintf("demo-e%05d", seq), "type": "customer.signup", "occurred_at": joined[customer].Format(time.RFC3339),
				"data": ev{"customer_id": customer, "name": demoCustomerName(customer, rng), "email": customer + "@demo.halo.local", "sponsor_id": sponsor}})
		}
		seq++
		act := fmt.Sprintf("demo-a%05d", seq)
		send(vendor, ev{"id": fmt.Sprintf("demo-e%05d", seq), "type": "service.activated", "occurred_at": when.Format(time.RFC3339),
			"data": ev{"activation_id": act, "member_id": customer, "sku": sku}})
		return act
	}
	catalogue := []struct{ vendor, sku string }{
		{"ecobee-demo", "THERMOSTAT"}, {"ecobee-demo", "THERMOSTAT"}, {"chargepoint-demo", "EV-CHARGER"}, {"chargepoint-demo", "EV-CHARGER"},
		{"sunpower-demo", "BATTERY-13KWH"}, {"sunpower-demo", "SOLAR-6KW"},
	}
	type paid struct{ vendor, activation string }
	var early []paid
	// The named customers hold services too (Mia's page shows three vendors).
	for _, c := range []struct{ id, sponsor string }{{"cust-mia", "carla"}, {"cust-noah", "dev"}, {"cust-olga", "emma"}, {"cust-pablo", "jon"}} {
		m, err := a.Members.Get(ctx, c.id)
		if err != nil {
			return false, err
		}
		from := maxTime(m.RegisteredAt, start).Add(time.Hour)
		for _, p := range catalogue[1:5] {
			activate(p.vendor, c.id, c.sponsor, p.sku, at(from, now.Add(-time.Hour)))
		}
	}
	for i := 0; i < demoCustomers; i++ {
		sp := consultants[rng.IntN(len(consultants))]
		if i < 60 {
			sp = consultants[12+i%40] // the earliest recruits each bring customers: an active first generation
		}
		id := fmt.Sprintf("demo-u%03d", i+1)
		first := maxTime(sp.reg, start).Add(time.Hour)
		if !first.Before(now.Add(-2 * time.Hour)) {
			continue
		}
		// A customer activates a service every couple of weeks, from any of the four vendors.
		for when := at(first, minTime(first.AddDate(0, 0, 10), now.Add(-time.Hour))); when.Before(now.Add(-time.Hour)); when = when.AddDate(0, 0, 8+rng.IntN(12)) {
			p := catalogue[rng.IntN(len(catalogue))]
			act := activate(p.vendor, id, sp.id, p.sku, when)
			if when.Before(ends[1]) && len(early) < 3 && p.sku != "THERMOSTAT" {
				early = append(early, paid{p.vendor, act})
			}
		}
	}
	// A solar blitz in the seventh week under both of Carla's legs: her binary meets its weekly cap.
	legs, err := a.Members.BinaryTree(ctx, "carla", 10, "", 1000)
	if err != nil {
		return false, err
	}
	side := map[string]string{}
	for _, n := range legs.Items {
		if n.ParentID == "carla" {
			side[n.ID] = n.Leg
		} else if s, ok := side[n.ParentID]; ok {
			side[n.ID] = s
		}
	}
	// Carla is active that week, and so are her own recruits on both sides: she is binary-qualified.
	activate("sunpower-demo", "demo-bcarla", "carla", "SOLAR-6KW", at(ends[5], ends[6]))
	blitz := map[string]int{}
	ordered := slices.Clone(consultants)
	slices.SortStableFunc(ordered, func(x, y who) int {
		return cmp.Compare(b2i(sponsorOf[y.id] == "carla"), b2i(sponsorOf[x.id] == "carla"))
	})
	for _, c := range ordered {
		s := side[c.id]
		if s == "" || !c.reg.Before(ends[5]) || blitz[s] >= 28 {
			continue
		}
		for k := 0; k < 4 && blitz[s] < 28; k++ {
			blitz[s]++
			activate("sunpower-demo", fmt.Sprintf("demo-b%s%02d", s[:1], blitz[s]), c.id, "SOLAR-6KW", at(ends[5], ends[6]))
		}
	}
	if err := flush(); err != nil {
		return false, err
	}

	// Seven weekly runs, committed in order; after the third, two services paid in the first
	// weeks are cancelled, so the fourth run claws their commissions back (§4 step 10).
	for k, end := range ends {
		e := end
		run, err := a.Payouts.Draft(ctx, payouts.CreateRunRequest{PeriodEnd: &e}, "seed-demo")
		if err != nil {
			return false, fmt.Errorf("demo run %d: %w", k+1, err)
		}
		if _, err := a.Payouts.Commit(ctx, run.ID, "seed-demo"); err != nil {
			return false, fmt.Errorf("demo run %d commit: %w", k+1, err)
		}
		if k == 2 {
			for i, p := range early[:min(2, len(early))] {
				seq++
				send(p.vendor, ev{"id": fmt.Sprintf("demo-e%05d", seq), "type": "service.cancelled", "occurred_at": end.Add(time.Duration(i+1) * 26 * time.Hour).Format(time.RFC3339),
					"data": ev{"activation_id": p.activation}})
			}
			if err := flush(); err != nil {
				return false, err
			}
		}
	}

	if err := seedCompliance(ctx, a); err != nil {
		return false, err
	}
	// Wallets with history: Ana was paid out once and waits for a second withdrawal.
	if w, err := a.Wallets.Wallet(ctx, "ana", "", 1); err == nil && w.Balance != "0.00" {
		first, err := a.Wallets.Request(ctx, "ana", payouts.WithdrawalRequest{Amount: "75.00"})
		if err != nil {
			return false, fmt.Errorf("demo withdrawal: %w", err)
		}
		for _, d := range []struct{ decision, ref string }{{"approve", ""}, {"mark-paid", "ACH-DEMO-0001"}} {
			if _, err := a.Wallets.Decide(ctx, first.ID, d.decision, payouts.DecisionRequest{PaymentReference: d.ref}); err != nil {
				return false, fmt.Errorf("demo withdrawal %s: %w", d.decision, err)
			}
		}
		if _, err := a.Wallets.Request(ctx, "ana", payouts.WithdrawalRequest{Amount: "60.00"}); err != nil {
			return false, fmt.Errorf("demo withdrawal: %w", err)
		}
	}
	// A self-registration through Ana's referral link whose pack payment is still to confirm.
	if _, err := a.Members.Join(ctx, genealogy.JoinRequest{ReferralCode: "ana", ID: "demo-joiner", Name: "Quinn Walker", Email: "quinn@demo.halo.local",
		Password: DemoPassword, Plan: "consultant"}, "127.0.0.1"); err != nil {
		return false, fmt.Errorf("demo join: %w", err)
	}
	if err := seedReferrals(ctx, a); err != nil {
		return false, err
	}
	log.Info("demo history ready", "consultants", len(consultants), "runs", demoRuns, "events", seq)
	return true, nil
}

func demoCustomerName(id string, rng *rand.Rand) string {
	return demoFirst[rng.IntN(len(demoFirst))] + " " + demoLast[rng.IntN(len(demoLast))] + " (" + id + ")"
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

func legIndex(leg string) int {
	if leg == "right" {
		return 1
	}
	return 0
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

// seedReferrals gives the demo a referral pipeline: Ana's and Carla's leads at every stage (one
// won and signed up through its referral, one lost, one rejected), Mia's friend, and two leads
// ecobee collected by pull. The vendors have no webhook in the demo: they pull.
func seedReferrals(ctx context.Context, a *app.App) error {
	consent := sales.Consent{Given: true, Text: sales.DefaultConsentText, Channel: "in_person"}
	type lead struct {
		by, vendor, sku, name, email string
		steps                        []string // what the vendor reports, in order
	}
	leads := []lead{
		{"ana", "sunpower-demo", "SOLAR-6KW", "Priya Shah", "priya.shah@demo.halo.local", []string{"accepted", "contacted", "quoted", "won", "signup"}},
		{"ana", "sunpower-demo", "BATTERY-13KWH", "Tom Becker", "tom.becker@demo.halo.local", []string{"accepted", "contacted", "quoted"}},
		{"ana", "sunpower-demo", "SOLAR-6KW", "Lena Park", "lena.park@demo.halo.local", []string{"accepted", "contacted"}},
		{"ana", "sunpower-demo", "SOLAR-6KW", "Omar Haddad", "omar.haddad@demo.halo.local", []string{"rejected"}},
		{"ana", "chargepoint-demo", "", "Rita Gomez", "rita.gomez@demo.halo.local", []string{"accepted", "quoted", "lost"}},
		{"ana", "ecobee-demo", "", "Sam Lee", "sam.lee@demo.halo.local", nil},
		{"carla", "sunpower-demo", "SOLAR-6KW", "Noah Kim", "noah.kim@demo.halo.local", []string{"accepted"}},
		{"carla", "ecobee-demo", "", "Ava Novak", "ava.novak@demo.halo.local", nil},
		{"cust-mia", "sunpower-demo", "SOLAR-6KW", "Jon Fischer", "jon.fischer@demo.halo.local", nil},
	}
	seq := 0
	now := a.Members.Now().UTC().Format(time.RFC3339)
	for _, l := range leads {
		r, err := a.Referrals.Submit(ctx, l.by, sales.ReferralRequest{VendorID: l.vendor, SKU: l.sku, Notes: "Met at the spring home show.", Consent: consent,
			Prospect: sales.Prospect{Name: l.name, Email: l.email, Phone: "+1 512 555 01" + fmt.Sprintf("%02d", seq%100), Address: sales.Address{Line1: "4 Oak Lane", City: "Austin", State: "TX", PostalCode: "78704"}}})
		if err != nil {
			return fmt.Errorf("demo referral: %w", err)
		}
		var evs []map[string]any
		for _, st := range l.steps {
			seq++
			id := fmt.Sprintf("demo-ref-%03d", seq)
			switch st {
			case "accepted", "rejected":
				evs = append(evs, map[string]any{"id": id, "type": "referral." + st, "occurred_at": now, "data": map[string]any{"referral_id": r.ID}})
			case "signup":
				evs = append(evs, map[string]any{"id": id, "type": "customer.signup", "occurred_at": now, "data": map[string]any{"referral_id": r.ID,
					"customer_id": "cust-priya", "name": l.name, "email": l.email}})
			default:
				evs = append(evs, map[string]any{"id": id, "type": "referral.status", "occurred_at": now, "data": map[string]any{"referral_id": r.ID, "status": st}})
			}
		}
		if len(evs) == 0 {
			continue
		}
		body, _ := json.Marshal(map[string]any{"events": evs})
		res, err := a.Ingest.Ingest(ctx, l.vendor, body)
		if err != nil {
			return fmt.Errorf("demo referral events: %w", err)
		}
		for _, x := range res.Results {
			if x.Status == "rejected" {
				return fmt.Errorf("demo referral event %s rejected: %v", x.ID, x.Error)
			}
		}
	}
	_, err := a.Referrals.Pull(ctx, "ecobee-demo", "", 100)
	return err
}

// seedCompliance gives the demo's leaders what a withdrawal needs — a certified W-9 (test SSNs of
// a valid structure), a bank account (a real routing number's format, a made-up account) and
// verified KYC — and leaves Dev's incomplete, so the back office shows both.
func seedCompliance(ctx context.Context, a *app.App) error {
	for i, m := range []struct{ id, name string }{{"ana", "Ana Ruiz"}, {"carla", "Carla Jensen"}, {"gina", "Gina Rossi"}} {
		if _, err := a.Compliance.SetTaxProfile(ctx, m.id, compliance.TaxProfileRequest{LegalName: m.name, EntityType: "individual", TINType: compliance.TINSSN,
			TIN: fmt.Sprintf("123-45-%04d", 6789+i), Certify: true, Address: compliance.Address{Line1: fmt.Sprintf("%d Oak Lane", 10+i), City: "Austin", State: "TX", PostalCode: "78704"}}); err != nil {
			return fmt.Errorf("demo tax profile: %w", err)
		}
		if _, err := a.Compliance.SetPayoutMethod(ctx, m.id, compliance.PayoutMethodRequest{AccountHolder: m.name, RoutingNumber: "011000015",
			AccountNumber: fmt.Sprintf("00012345%04d", i), AccountType: "checking"}); err != nil {
			return fmt.Errorf("demo payout method: %w", err)
		}
		if _, err := a.Compliance.SetKYC(ctx, m.id, compliance.ManualKYC{Admin: "seed-demo"}, compliance.KYCRequest{Status: compliance.KYCVerified}); err != nil {
			return fmt.Errorf("demo KYC: %w", err)
		}
	}
	return nil
}
