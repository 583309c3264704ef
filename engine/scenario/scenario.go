// Package scenario runs the engine over a scenario in the format of shared/examples/*.json:
// a network, events that arrive at given runs, and runs previewed and committed in order.
// It is pure (bytes in, values out) and is what `halod simulate` and the golden tests use.
package scenario

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/halo-oss/halo/engine"
)

// File is a scenario file. Expected is present in the shared examples and ignored on input.
type File struct {
	Description string   `json:"description,omitempty"`
	Scenario    Scenario `json:"scenario"`
	Expected    *Output  `json:"expected,omitempty"`
}

// Scenario is the input part.
type Scenario struct {
	Products []Product          `json:"products"`
	Members  []Member           `json:"members"`
	Events   []Event            `json:"events"`
	Runs     []RunSpec          `json:"runs"`
	Cutover  string             `json:"cutover,omitempty"`
	Config   *engine.ConfigFile `json:"config,omitempty"`
}

// Product is one version of a vendor's product (PLAN.md §5).
type Product struct {
	Vendor        string      `json:"vendor"`
	SKU           string      `json:"sku"`
	BV            json.Number `json:"bv"`
	CV            json.Number `json:"cv"`
	Retail        json.Number `json:"retail_commission"`
	HoldDays      int         `json:"hold_days,omitempty"` // PLAN.md §9, 0–14
	EffectiveFrom string      `json:"effective_from,omitempty"`
}

// Member is a member of the scenario network.
type Member struct {
	ID           string   `json:"id"`
	Plan         string   `json:"plan"`
	Sponsor      string   `json:"sponsor,omitempty"`
	Parent       string   `json:"parent,omitempty"`
	Leg          string   `json:"leg,omitempty"`
	RegisteredAt string   `json:"registered_at"`
	Arrives      int      `json:"arrives,omitempty"`
	Imported     bool     `json:"imported,omitempty"`
	Opening      *Opening `json:"opening,omitempty"`
}

// Opening is an imported consultant's opening state (PLAN.md §7).
type Opening struct {
	Rank          string      `json:"rank,omitempty"`
	CarryLeft     json.Number `json:"carry_left,omitempty"`
	CarryRight    json.Number `json:"carry_right,omitempty"`
	LifetimeLeft  json.Number `json:"lifetime_left,omitempty"`
	LifetimeRight json.Number `json:"lifetime_right,omitempty"`
}

// Event is an activation, cancellation or upgrade.
type Event struct {
	ID         string `json:"id"`
	Type       string `json:"type"`
	Member     string `json:"member,omitempty"`
	SKU        string `json:"sku,omitempty"`
	Vendor     string `json:"vendor,omitempty"`
	Activation string `json:"activation,omitempty"`
	Sale       string `json:"sale,omitempty"` // refund: "pack:<member>" or an upgrade's id (§11)
	Plan       string `json:"plan,omitempty"`
	OccurredAt string `json:"occurred_at"`
	Arrives    int    `json:"arrives,omitempty"`
}

// RunSpec is one run to preview and commit.
type RunSpec struct {
	End string `json:"end"`
}

// Output is the `expected` part: one entry per run.
type Output struct {
	Runs []RunOutput `json:"runs"`
}

// RunOutput is a run's lines and end state.
type RunOutput struct {
	End    string              `json:"end"`
	Lines  []LineOut           `json:"lines"`
	State  map[string]StateOut `json:"state"`
	Totals *TotalsOut          `json:"totals,omitempty"`
}

// LineOut is a line in the examples' naming.
type LineOut struct {
	Member     string `json:"member"`
	Type       string `json:"type"`
	Amount     string `json:"amount"`
	Source     string `json:"source,omitempty"`
	Generation int    `json:"generation,omitempty"`
	ReversalOf bool   `json:"reversal_of,omitempty"`
}

// StateOut is a consultant's end state.
type StateOut struct {
	Rank          string `json:"rank"`
	Active        bool   `json:"active"`
	CarryLeft     string `json:"carry_left"`
	CarryRight    string `json:"carry_right"`
	LifetimeLeft  string `json:"lifetime_left"`
	LifetimeRight string `json:"lifetime_right"`
}

// TotalsOut summarises a run.
type TotalsOut = engine.TotalsText

// Parse reads a scenario file (with or without `expected`).
func Parse(data []byte) (*File, error) {
	var f File
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("scenario: not valid JSON: %v", err)
	}
	return &f, nil
}

type productVersion struct {
	from           time.Time
	vendor         string
	bv, cv, retail engine.Units
	hold           int
}

type event struct {
	Event
	at   time.Time
	kind string
}

// Simulate previews and commits every run of the scenario in order and returns what each run
// paid. Bad input is an error naming the member or event, never a panic.
func Simulate(sc *Scenario, withTotals bool) (*Output, error) {
	cfg := engine.DefaultConfig()
	if sc.Config != nil {
		c, err := sc.Config.Apply(cfg)
		if err != nil {
			return nil, err
		}
		cfg = c
	}
	var cutover time.Time
	if sc.Cutover != "" {
		t, err := parseTime(sc.Cutover)
		if err != nil {
			return nil, fmt.Errorf("scenario cutover: %v", err)
		}
		cutover = t
	}
	// Products, with history: the version in effect at occurred_at (before the first: the first).
	products := map[string][]productVersion{}
	for i, p := range sc.Products {
		if p.SKU == "" {
			return nil, fmt.Errorf("product %d: sku is required", i+1)
		}
		var pv productVersion
		var err error
		pv.vendor = p.Vendor
		if pv.bv, err = units(p.BV); err != nil {
			return nil, fmt.Errorf("product %s: bv: %v", p.SKU, err)
		}
		if pv.cv, err = units(p.CV); err != nil {
			return nil, fmt.Errorf("product %s: cv: %v", p.SKU, err)
		}
		if pv.retail, err = units(p.Retail); err != nil {
			return nil, fmt.Errorf("product %s: retail_commission: %v", p.SKU, err)
		}
		if p.HoldDays < 0 || p.HoldDays > 14 {
			return nil, fmt.Errorf("product %s: hold_days: must be between 0 and 14", p.SKU)
		}
		pv.hold = p.HoldDays
		if p.EffectiveFrom != "" {
			if pv.from, err = parseTime(p.EffectiveFrom); err != nil {
				return nil, fmt.Errorf("product %s: effective_from: %v", p.SKU, err)
			}
		}
		products[p.SKU] = append(products[p.SKU], pv)
	}
	for _, vs := range products {
		slices.SortStableFunc(vs, func(a, b productVersion) int { return a.from.Compare(b.from) })
	}
	productAt := func(sku string, at time.Time) (productVersion, bool) {
		vs := products[sku]
		if len(vs) == 0 {
			return productVersion{}, false
		}
		best := vs[0]
		for _, v := range vs[1:] {
			if !v.from.After(at) {
				best = v
			}
		}
		return best, true
	}

	// Members.
	members := make([]engine.Member, len(sc.Members))
	byID := map[string]int{}
	var prevStates = map[string]engine.State{}
	for i, m := range sc.Members {
		if m.ID == "" {
			return nil, fmt.Errorf("member %d: id is required", i+1)
		}
		if _, dup := byID[m.ID]; dup {
			return nil, fmt.Errorf("member %s: listed twice", m.ID)
		}
		p, err := engine.ParsePlan(m.Plan)
		if err != nil {
			return nil, fmt.Errorf("member %s: %v", m.ID, err)
		}
		at, err := parseTime(m.RegisteredAt)
		if err != nil {
			return nil, fmt.Errorf("member %s: registered_at: %v", m.ID, err)
		}
		if m.Arrives < 0 || m.Arrives >= max(len(sc.Runs), 1) {
			return nil, fmt.Errorf("member %s: arrives %d is not a run index", m.ID, m.Arrives)
		}
		em := engine.Member{ID: m.ID, Plan: p, Sponsor: m.Sponsor, Parent: m.Parent, RegisteredAt: at}
		if m.Leg != "" {
			leg, ok := engine.ParseLeg(m.Leg)
			if !ok {
				return nil, fmt.Errorf("member %s: leg %q must be left or right", m.ID, m.Leg)
			}
			em.Leg = leg
		}
		for _, ref := range []struct{ what, id string }{{"sponsor", m.Sponsor}, {"parent", m.Parent}} {
			if ref.id == "" {
				continue
			}
			j, ok := byID[ref.id]
			if !ok {
				return nil, fmt.Errorf("member %s: %s %s is not listed before it", m.ID, ref.what, ref.id)
			}
			if sc.Members[j].Arrives > m.Arrives {
				return nil, fmt.Errorf("member %s: %s %s arrives after it", m.ID, ref.what, ref.id)
			}
		}
		if m.Opening != nil {
			if !m.Imported {
				return nil, fmt.Errorf("member %s: an opening state needs \"imported\": true", m.ID)
			}
			s := engine.State{Member: m.ID, Rank: m.Opening.Rank}
			for _, f := range []struct {
				name string
				v    json.Number
				dst  *engine.Units
			}{{"carry_left", m.Opening.CarryLeft, &s.CarryLeft}, {"carry_right", m.Opening.CarryRight, &s.CarryRight},
				{"lifetime_left", m.Opening.LifetimeLeft, &s.LifetimeLeft}, {"lifetime_right", m.Opening.LifetimeRight, &s.LifetimeRight}} {
				if f.v == "" {
					continue
				}
				v, err := units(f.v)
				if err != nil || v < 0 {
					return nil, fmt.Errorf("member %s: opening %s must be a non-negative decimal", m.ID, f.name)
				}
				*f.dst = v
			}
			if _, err := cfg.RankIndex(s.Rank); err != nil {
				return nil, fmt.Errorf("member %s: opening %v", m.ID, err)
			}
			if s.Rank == "" {
				s.Rank = "none"
			}
			prevStates[m.ID] = s
		}
		byID[m.ID] = i
		members[i] = em
	}

	// Events: checked the way ingest checks them when they arrive.
	events := make([]event, 0, len(sc.Events))
	seen := map[string]bool{}
	for _, e := range sc.Events {
		if e.ID == "" {
			return nil, fmt.Errorf("event without id (type %q)", e.Type)
		}
		if seen[e.ID] {
			return nil, fmt.Errorf("event %s: id used twice", e.ID)
		}
		seen[e.ID] = true
		at, err := parseTime(e.OccurredAt)
		if err != nil {
			return nil, fmt.Errorf("event %s: occurred_at: %v", e.ID, err)
		}
		if e.Arrives < 0 || e.Arrives >= max(len(sc.Runs), 1) {
			return nil, fmt.Errorf("event %s: arrives %d is not a run index", e.ID, e.Arrives)
		}
		switch e.Type {
		case "activation", "upgrade":
			j, ok := byID[e.Member]
			if !ok {
				return nil, fmt.Errorf("event %s: unknown member %q", e.ID, e.Member)
			}
			if sc.Members[j].Arrives > e.Arrives {
				return nil, fmt.Errorf("event %s: member %s arrives after the event", e.ID, e.Member)
			}
		case "cancellation", "refund":
		case "suspend", "reinstate", "terminate":
			j, ok := byID[e.Member]
			if !ok {
				return nil, fmt.Errorf("event %s: unknown member %q", e.ID, e.Member)
			}
			if sc.Members[j].Arrives > e.Arrives {
				return nil, fmt.Errorf("event %s: member %s arrives after the event", e.ID, e.Member)
			}
			if members[j].Plan == engine.PlanCustomer {
				return nil, fmt.Errorf("event %s: %s is a customer; customers have no status of their own", e.ID, e.Member)
			}
			if members[j].Sponsor == "" {
				return nil, fmt.Errorf("event %s: the root can be neither suspended nor terminated", e.ID)
			}
		default:
			return nil, fmt.Errorf("event %s: unknown type %q (want activation, cancellation, upgrade, suspend, reinstate, terminate or refund)", e.ID, e.Type)
		}
		events = append(events, event{Event: e, at: at, kind: e.Type})
	}
	statusEvents, err := statusEvents(sc, events, members, byID)
	if err != nil {
		return nil, err
	}
	upPrice, upBV, upTo, planAt, err := purchases(sc, cfg, events, members, byID)
	if err != nil {
		return nil, err
	}
	// Activations and cancellations.
	acts := map[string]*event{}
	cancelled := map[string]string{}
	for i := range events {
		e := &events[i]
		if e.kind == "activation" {
			pv, ok := productAt(e.SKU, e.at)
			if !ok {
				return nil, fmt.Errorf("event %s: unknown sku %q", e.ID, e.SKU)
			}
			if e.Vendor != "" && e.Vendor != pv.vendor {
				return nil, fmt.Errorf("event %s: sku %s belongs to vendor %s, not %s", e.ID, e.SKU, pv.vendor, e.Vendor)
			}
			acts[e.ID] = e
		}
	}
	for i := range events {
		e := &events[i]
		if e.kind != "cancellation" {
			continue
		}
		a, ok := acts[e.Activation]
		switch {
		case !ok || a.Arrives > e.Arrives:
			return nil, fmt.Errorf("event %s: cancels activation %q that is not known when the cancellation arrives", e.ID, e.Activation)
		case e.at.Before(a.at):
			return nil, fmt.Errorf("event %s: cancellation is earlier than its activation %s", e.ID, e.Activation)
		case cancelled[e.Activation] != "":
			return nil, fmt.Errorf("event %s: activation %s is already cancelled by %s", e.ID, e.Activation, cancelled[e.Activation])
		}
		cancelled[e.Activation] = e.ID
	}

	// Runs, previewed and committed in order.
	out := &Output{}
	accounted := map[string]bool{}         // sale id -> accounted by a committed run
	cancelDone := map[string]bool{}        // cancellation id -> accounted
	voidedActs := map[string]bool{}        // activation id -> void
	paid := map[string][]engine.PaidLine{} // sale id -> committed lines paid for it
	refundDone := map[string]bool{}        // refund id -> accounted
	voidedSales := map[string]bool{}       // refunded pack or upgrade -> void
	var start time.Time
	for k, rs := range sc.Runs {
		end, err := parseTime(rs.End)
		if err != nil {
			return nil, fmt.Errorf("run %d: end: %v", k, err)
		}
		in := engine.Input{Config: cfg, Start: start, End: end, Cutover: cutover}
		for i, m := range sc.Members {
			if m.Arrives > k {
				continue
			}
			em := members[i]
			for _, c := range planAt[m.ID] {
				if c.arrives <= k && c.at.Before(end) {
					em.Plan = c.plan
				}
			}
			in.Members = append(in.Members, em)
			if id := "pack:" + m.ID; !m.Imported && !voidedSales[id] {
				if r := cfg.Rule(members[i].Plan); r.Price > 0 || r.BV > 0 {
					in.Sales = append(in.Sales, engine.Sale{ID: id, Kind: engine.SalePack, Member: m.ID, OccurredAt: em.RegisteredAt,
						Price: r.Price, BV: r.BV, Accounted: accounted[id]})
				}
			}
		}
		for i := range events {
			e := &events[i]
			if e.Arrives > k {
				continue
			}
			switch e.kind {
			case "upgrade":
				if voidedSales[e.ID] {
					continue
				}
				in.Sales = append(in.Sales, engine.Sale{ID: e.ID, Kind: engine.SaleUpgrade, Member: e.Member, OccurredAt: e.at,
					Price: upPrice[e.ID], BV: upBV[e.ID], ToPlan: upTo[e.ID], Accounted: accounted[e.ID]})
			case "refund":
				if !refundDone[e.ID] {
					in.Refunds = append(in.Refunds, engine.Refund{ID: e.ID, Sale: e.Sale, OccurredAt: e.at,
						SaleAccounted: accounted[e.Sale], Paid: paid[e.Sale]})
				}
			case "activation":
				if voidedActs[e.ID] {
					continue
				}
				pv, _ := productAt(e.SKU, e.at)
				in.Sales = append(in.Sales, engine.Sale{ID: e.ID, Kind: engine.SaleActivation, Member: e.Member, OccurredAt: e.at,
					BV: pv.bv, CV: pv.cv, Retail: pv.retail, Vendor: pv.vendor, Accounted: accounted[e.ID], HoldDays: pv.hold})
			case "cancellation":
				if cancelDone[e.ID] {
					continue
				}
				a := acts[e.Activation]
				pv, _ := productAt(a.SKU, a.at)
				in.Cancellations = append(in.Cancellations, engine.Cancellation{ID: e.ID, Activation: e.Activation, OccurredAt: e.at,
					ActivationAccounted: accounted[e.Activation], Vendor: pv.vendor, Paid: paid[e.Activation]})
			}
		}
		for _, s := range prevStates {
			in.Prev = append(in.Prev, s)
		}
		for _, se := range statusEvents {
			if se.arrives <= k {
				in.StatusEvents = append(in.StatusEvents, se.StatusEvent)
			}
		}
		res, err := engine.Run(in)
		if err != nil {
			return nil, fmt.Errorf("run %d (end %s): %v", k, rs.End, err)
		}
		// Commit: remember what was accounted and paid.
		for _, id := range res.AccountedSales {
			accounted[id] = true
		}
		for _, id := range res.Clawed {
			cancelDone[id] = true
		}
		for _, id := range res.Voided {
			cancelDone[id] = true
		}
		for _, id := range res.VoidedActivations {
			voidedActs[id] = true
		}
		for _, id := range append(res.ClawedRefunds, res.VoidedRefunds...) {
			refundDone[id] = true
		}
		for _, id := range res.VoidedSales {
			voidedSales[id] = true
		}
		ro := RunOutput{End: rs.End, State: map[string]StateOut{}}
		for i, l := range res.Lines() {
			if l.Type == engine.LineRetail || l.Type == engine.LineRevenueShare || l.Type == engine.LineDirect {
				if l.ReversalOf == "" {
					paid[l.Source] = append(paid[l.Source], engine.PaidLine{ID: fmt.Sprintf("run%d-line%d", k, i), Member: l.Member, Type: l.Type, Amount: l.Amount, Generation: l.Generation})
				}
			}
			ro.Lines = append(ro.Lines, LineOut{Member: l.Member, Type: l.Type.String(), Amount: l.Amount.String(), Source: l.Source, Generation: l.Generation, ReversalOf: l.ReversalOf != ""})
		}
		slices.SortFunc(ro.Lines, func(a, b LineOut) int {
			return cmpJoin(strings.Compare(a.Member, b.Member), strings.Compare(a.Type, b.Type), strings.Compare(a.Source, b.Source), a.Generation-b.Generation, strings.Compare(a.Amount, b.Amount))
		})
		prevStates = map[string]engine.State{}
		for _, m := range res.Members {
			prevStates[m.Member] = m.State
			ro.State[m.Member] = StateOut{Rank: m.Rank, Active: m.Active, CarryLeft: bv(m.CarryLeft), CarryRight: bv(m.CarryRight), LifetimeLeft: bv(m.LifetimeLeft), LifetimeRight: bv(m.LifetimeRight)}
		}
		if withTotals {
			t := res.Totals.Text()
			ro.Totals = &t
		}
		out.Runs = append(out.Runs, ro)
		start = end
	}
	return out, nil
}

type planChange struct {
	at      time.Time
	arrives int
	plan    engine.Plan
}

// purchases walks each member's upgrades and refunds (§2, §11) in the order they are recorded
// (arrival, then file order), which must also be time order: upgrades go up only and cost the
// difference to the plan in force; a refund undoes the purchase that set the current plan (the
// latest first), back to the plan before it, or affiliate for a registration pack. It returns
// each upgrade's price and BV and each member's plan changes in time order.
func purchases(sc *Scenario, cfg *engine.Config, events []event, members []engine.Member, byID map[string]int) (
	price, bv map[string]engine.Units, to map[string]engine.Plan, changes map[string][]planChange, err error) {
	price, bv, to, changes = map[string]engine.Units{}, map[string]engine.Units{}, map[string]engine.Plan{}, map[string][]planChange{}
	upgrades := map[string]*event{}
	for i := range events {
		if events[i].kind == "upgrade" {
			upgrades[events[i].ID] = &events[i]
		}
	}
	type purchase struct {
		id   string
		plan engine.Plan
	}
	stacks := map[string][]purchase{}
	last := map[string]time.Time{}
	stack := func(mid string) []purchase {
		if st, ok := stacks[mid]; ok {
			return st
		}
		j := byID[mid]
		m := sc.Members[j]
		id := "pack:" + mid
		if m.Imported || m.Sponsor == "" || cfg.Rule(members[j].Plan).Price <= 0 {
			id = "" // not a sale that can be refunded
		}
		last[mid] = members[j].RegisteredAt
		return []purchase{{id, members[j].Plan}}
	}
	order := make([]*event, 0, len(events))
	for i := range events {
		if events[i].kind == "upgrade" || events[i].kind == "refund" {
			order = append(order, &events[i])
		}
	}
	slices.SortStableFunc(order, func(a, b *event) int { return a.Arrives - b.Arrives })
	refunded := map[string]string{}
	for _, e := range order {
		if e.kind == "refund" {
			if prev := refunded[e.Sale]; prev != "" {
				return nil, nil, nil, nil, fmt.Errorf("event %s: %s is already refunded by %s", e.ID, e.Sale, prev)
			}
			if mid, ok := strings.CutPrefix(e.Sale, "pack:"); ok {
				j, known := byID[mid]
				if !known || sc.Members[j].Arrives > e.Arrives {
					return nil, nil, nil, nil, fmt.Errorf("event %s: refunds %s, but member %s is not known when the refund arrives", e.ID, e.Sale, mid)
				}
				e.Member = mid
			} else if u := upgrades[e.Sale]; u != nil && u.Arrives <= e.Arrives {
				e.Member = u.Member
			} else {
				return nil, nil, nil, nil, fmt.Errorf("event %s: refunds %q, which is neither a pack (pack:<member>) nor an upgrade known when the refund arrives", e.ID, e.Sale)
			}
			refunded[e.Sale] = e.ID
		}
		mid := e.Member
		st := stack(mid)
		cur := st[len(st)-1].plan
		if !cur.IsConsultant() {
			return nil, nil, nil, nil, fmt.Errorf("event %s: %s is a customer; customers neither upgrade nor buy packs", e.ID, mid)
		}
		if e.at.Before(last[mid]) {
			return nil, nil, nil, nil, fmt.Errorf("event %s: dated before a purchase or refund already recorded for %s (%s)", e.ID, mid, last[mid].Format(time.RFC3339))
		}
		last[mid] = e.at
		if e.kind == "upgrade" {
			p, perr := engine.ParsePlan(e.Plan)
			if perr != nil || !p.IsConsultant() {
				return nil, nil, nil, nil, fmt.Errorf("event %s: upgrade to %q is not a consultant plan", e.ID, e.Plan)
			}
			if p <= cur {
				return nil, nil, nil, nil, fmt.Errorf("event %s: upgrade of %s from %s to %s goes down or nowhere (upgrades go up only)", e.ID, mid, cur, p)
			}
			price[e.ID] = cfg.Rule(p).Price - cfg.Rule(cur).Price
			bv[e.ID] = cfg.Rule(p).BV - cfg.Rule(cur).BV
			to[e.ID] = p
			st = append(st, purchase{e.ID, p})
			cur = p
		} else {
			top := st[len(st)-1]
			if top.id != e.Sale {
				if top.id == "" {
					return nil, nil, nil, nil, fmt.Errorf("event %s: %s is not a priced purchase that can be refunded", e.ID, e.Sale)
				}
				return nil, nil, nil, nil, fmt.Errorf("event %s: only the purchase that set %s's current plan (%s) can be refunded: refund the latest first", e.ID, mid, top.id)
			}
			st = st[:len(st)-1]
			if len(st) == 0 {
				st = []purchase{{"", engine.PlanAffiliate}}
			}
			cur = st[len(st)-1].plan
		}
		stacks[mid] = st
		changes[mid] = append(changes[mid], planChange{at: e.at, arrives: e.Arrives, plan: cur})
	}
	return price, bv, to, changes, nil
}

type statusEvent struct {
	engine.StatusEvent
	arrives int
}

// statusEvents checks §10's rules the way the service checks them when an event is recorded
// (events are recorded in arrival order, then in file order): termination is final; it cannot
// be dated before an upgrade already recorded, nor an upgrade dated at or after a termination
// already recorded; nobody joins under a sponsor already terminated at its registered_at.
func statusEvents(sc *Scenario, events []event, members []engine.Member, byID map[string]int) ([]statusEvent, error) {
	type rec struct {
		e   *event
		seq int
	}
	order := make([]rec, 0, len(events))
	for i := range events {
		order = append(order, rec{&events[i], i})
	}
	slices.SortStableFunc(order, func(a, b rec) int { return a.e.Arrives - b.e.Arrives })
	terminated := map[string]*event{}
	upgraded := map[string][]*event{}
	var out []statusEvent
	for seq, r := range order {
		e := r.e
		switch e.kind {
		case "upgrade":
			if t := terminated[e.Member]; t != nil && !e.at.Before(t.at) {
				return nil, fmt.Errorf("event %s: upgrade of %s at or after its termination %s", e.ID, e.Member, t.ID)
			}
			upgraded[e.Member] = append(upgraded[e.Member], e)
		case "suspend", "reinstate", "terminate":
			if t := terminated[e.Member]; t != nil {
				return nil, fmt.Errorf("event %s: %s was terminated by %s; termination is final", e.ID, e.Member, t.ID)
			}
			st := engine.StatusSuspended
			switch e.kind {
			case "reinstate":
				st = engine.StatusActive
			case "terminate":
				st = engine.StatusTerminated
				for _, u := range upgraded[e.Member] {
					if e.at.Before(u.at) {
						return nil, fmt.Errorf("event %s: termination of %s is dated before its upgrade %s", e.ID, e.Member, u.ID)
					}
				}
				terminated[e.Member] = e
			}
			out = append(out, statusEvent{StatusEvent: engine.StatusEvent{Member: e.Member, Status: st, At: e.at, Seq: int64(seq)}, arrives: e.Arrives})
		}
	}
	for i, m := range sc.Members {
		if t := terminated[m.Sponsor]; t != nil && t.Arrives <= m.Arrives && !members[i].RegisteredAt.Before(t.at) {
			return nil, fmt.Errorf("member %s: sponsor %s is terminated (%s) at its registered_at", m.ID, m.Sponsor, t.ID)
		}
	}
	return out, nil
}

func cmpJoin(c ...int) int {
	for _, v := range c {
		if v != 0 {
			return v
		}
	}
	return 0
}

// bv writes business volume with two places, as API.md writes every decimal.
func bv(u engine.Units) string { return u.String() }

func units(n json.Number) (engine.Units, error) {
	if n == "" {
		return 0, nil
	}
	return engine.ParseUnits(string(n))
}

func parseTime(s string) (time.Time, error) {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("%q is not an RFC 3339 time", s)
	}
	return t.UTC(), nil
}
