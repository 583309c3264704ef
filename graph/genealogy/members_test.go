package genealogy

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/halo-oss/halo/engine"
	"github.com/halo-oss/halo/graph"
	"github.com/halo-oss/halo/graph/identity"
)

var rootAt = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

func newService() (*MemberService, *memNet) {
	net := newMemNet(rootAt)
	now := rootAt.AddDate(0, 6, 0)
	return &MemberService{Store: net, Plan: engine.DefaultConfig(), Now: func() time.Time { return now }, RootID: "root"}, net
}

func req(id, plan, sponsor string, p *Placement) RegisterRequest {
	at := rootAt.Add(time.Hour)
	return RegisterRequest{ID: id, Name: "Member " + id, Email: id + "@example.com", Plan: plan, SponsorID: sponsor, Placement: p, RegisteredAt: &at}
}

func strategy(s string) *Placement       { return &Placement{Strategy: s} }
func slot(parent, leg string) *Placement { return &Placement{ParentID: parent, Leg: leg} }

func mustRegister(t *testing.T, s *MemberService, r RegisterRequest) *Member {
	t.Helper()
	m, err := s.Register(context.Background(), r)
	if err != nil {
		t.Fatalf("register %s: %v", r.ID, err)
	}
	return m
}

// fields lists the fields an error's details name.
func fields(err error) []string {
	var out []string
	for _, d := range graph.AsError(err).Details {
		out = append(out, d.Field)
	}
	return out
}

// PLAN.md §2 and API.md: each strategy's slot, in a tree built through the service.
func TestPlacementStrategies(t *testing.T) {
	s, net := newService()
	at := func(id string) string { m := net.nodes[id].m; return m.ParentID + "/" + m.Leg }

	// extreme_left and extreme_right follow the outer spine of the sponsor's subtree.
	mustRegister(t, s, req("l1", "consultant", "root", strategy(StrategyExtremeLeft)))
	mustRegister(t, s, req("l2", "consultant", "root", strategy(StrategyExtremeLeft)))
	mustRegister(t, s, req("r1", "consultant", "root", strategy(StrategyExtremeRight)))
	mustRegister(t, s, req("r2", "consultant", "root", strategy(StrategyExtremeRight)))
	for id, want := range map[string]string{"l1": "root/left", "l2": "l1/left", "r1": "root/right", "r2": "r1/right"} {
		if got := at(id); got != want {
			t.Errorf("%s placed at %s, want %s", id, got, want)
		}
	}
	// balanced: breadth-first below the sponsor, left before right.
	mustRegister(t, s, req("b1", "consultant", "root", strategy(StrategyBalanced)))
	mustRegister(t, s, req("b2", "consultant", "root", strategy(StrategyBalanced)))
	mustRegister(t, s, req("b3", "consultant", "root", strategy(StrategyBalanced)))
	for id, want := range map[string]string{"b1": "l1/right", "b2": "r1/left", "b3": "l2/left"} {
		if got := at(id); got != want {
			t.Errorf("%s placed at %s, want %s", id, got, want)
		}
	}
	// weaker_leg: less lifetime BV wins; then fewer members; then the left.
	net.nodes["root"].ltBV, net.nodes["root"].rtBV = 500, 900
	mustRegister(t, s, req("w1", "consultant", "root", strategy(StrategyWeakerLeg)))
	if got := at("w1"); got != "b3/left" {
		t.Errorf("weaker (left) leg: w1 at %s, want the left spine's end b3/left", got)
	}
	net.nodes["root"].ltBV, net.nodes["root"].rtBV = 900, 900 // tie: the left leg has more members
	mustRegister(t, s, req("w2", "consultant", "root", nil))  // no placement: weaker_leg
	if got := at("w2"); got != "r2/right" {
		t.Errorf("tie on BV, fewer members on the right: w2 at %s, want r2/right", got)
	}
	if net.created[len(net.created)-1].Spine != "right" {
		t.Errorf("a weaker-leg placement remembers the spine it took: %q", net.created[len(net.created)-1].Spine)
	}
	// explicit: inside the sponsor's subtree, on a free slot of a consultant.
	mustRegister(t, s, req("e1", "consultant", "l1", slot("b1", "left")))
	if got := at("e1"); got != "b1/left" {
		t.Errorf("e1 at %s", got)
	}
	for _, c := range []struct {
		name  string
		r     RegisterRequest
		field string
		msg   string
	}{
		{"outside the sponsor's subtree", req("x1", "consultant", "l1", slot("r2", "left")), "placement.parent_id", "not the sponsor l1 nor in its placement subtree"},
		{"slot taken", req("x2", "consultant", "root", slot("root", "left")), "placement.leg", "the left slot of root is taken"},
		{"parent missing", req("x3", "consultant", "root", slot("ghost", "left")), "placement.parent_id", "does not exist"},
	} {
		_, err := s.Register(context.Background(), c.r)
		if graph.KindOf(err) != graph.KindInvalid || !slices.Contains(fields(err), c.field) || !strings.Contains(err.Error(), c.msg) {
			t.Errorf("%s: %v", c.name, err)
		}
	}
	if len(net.nodes) != 11 {
		t.Errorf("refused registrations wrote nothing: %d members", len(net.nodes))
	}
	for _, r := range net.created {
		if r.Strategy == StrategyBalanced || r.Strategy == StrategyExplicit {
			if r.Spine != "" {
				t.Errorf("%s (%s) claims a spine", r.ID, r.Strategy)
			}
		}
	}
}

// The rules a registration is checked against, before and inside its transaction.
func TestRegistrationRules(t *testing.T) {
	s, _ := newService()
	mustRegister(t, s, req("ana", "consultant", "root", nil))
	mustRegister(t, s, req("cust", "customer", "ana", nil))
	future := rootAt.AddDate(1, 0, 0)
	early := rootAt.Add(-time.Hour)
	for _, c := range []struct {
		name   string
		r      RegisterRequest
		fields []string
	}{
		{"everything wrong at once", RegisterRequest{ID: "bad id", Name: " ", Email: "nope", Plan: "gold"}, []string{"id", "name", "email", "plan", "sponsor_id"}},
		{"id and email taken", func() RegisterRequest {
			r := req("ana", "consultant", "root", nil)
			r.Email = "ANA@example.com "
			return r
		}(), []string{"id", "email"}},
		{"sponsor missing", req("bo", "consultant", "ghost", nil), []string{"sponsor_id"}},
		{"a customer sponsors", req("bo", "consultant", "cust", nil), []string{"sponsor_id"}},
		{"before the sponsor", func() RegisterRequest { r := req("bo", "consultant", "root", nil); r.RegisteredAt = &early; return r }(), []string{"registered_at"}},
		{"in the future", func() RegisterRequest { r := req("bo", "consultant", "root", nil); r.RegisteredAt = &future; return r }(), []string{"registered_at"}},
		{"a placed customer", req("bo", "customer", "ana", slot("ana", "left")), []string{"placement"}},
		{"slot and strategy", req("bo", "consultant", "root", &Placement{ParentID: "root", Leg: "left", Strategy: StrategyBalanced}), []string{"placement"}},
		{"unknown strategy", req("bo", "consultant", "root", strategy("random")), []string{"placement.strategy"}},
		{"a bad leg", req("bo", "consultant", "root", slot("root", "middle")), []string{"placement.leg"}},
		{"a short password", func() RegisterRequest { r := req("bo", "consultant", "root", nil); r.Password = "short"; return r }(), []string{"password"}},
	} {
		_, err := s.Register(context.Background(), c.r)
		if graph.KindOf(err) != graph.KindInvalid || !slices.Equal(fields(err), c.fields) {
			t.Errorf("%s: %v (fields %v, want %v)", c.name, err, fields(err), c.fields)
		}
	}
	// A customer is never placed and buys no pack; a consultant's pack is its plan's.
	c := mustRegister(t, s, req("cu2", "customer", "ana", nil))
	if c.ParentID != "" || c.Leg != "" {
		t.Errorf("customer placed: %+v", c)
	}
}

func TestCheckNewMemberNormalizes(t *testing.T) {
	m, problems := CheckNewMember(NewMember{ID: "HS-1", Name: "  Ana Ruiz ", Email: " Ana@Example.COM", Plan: "customer"})
	if len(problems) != 0 || m.Name != "Ana Ruiz" || m.Email != "ana@example.com" || m.plan != engine.PlanCustomer {
		t.Errorf("%+v %v", m, problems)
	}
	_, problems = CheckNewMember(NewMember{ID: strings.Repeat("x", 65), Name: strings.Repeat("n", 201), Email: "Ana <ana@example.com>", Plan: ""})
	want := []string{"id", "name", "email", "plan"}
	if len(problems) != len(want) {
		t.Fatalf("%v", problems)
	}
	for i, p := range problems {
		if p.Field != want[i] {
			t.Errorf("problem %d names %s, want %s", i, p.Field, want[i])
		}
	}
}

// PLAN.md §2: upgrades go up only, are a sale of the price and BV difference, and never
// predate the registration.
func TestUpgradeRules(t *testing.T) {
	s, net := newService()
	mustRegister(t, s, req("aff", "affiliate", "root", nil))
	mustRegister(t, s, req("cu", "customer", "aff", nil))
	ctx := context.Background()
	before := rootAt.Add(30 * time.Minute)
	for _, c := range []struct {
		name, id string
		r        UpgradeRequest
		field    string
	}{
		{"a customer", "cu", UpgradeRequest{Plan: "consultant"}, "plan"},
		{"not up", "aff", UpgradeRequest{Plan: "affiliate"}, "plan"},
		{"to a customer plan", "aff", UpgradeRequest{Plan: "customer"}, "plan"},
		{"before the registration", "aff", UpgradeRequest{Plan: "consultant", OccurredAt: &before}, "occurred_at"},
	} {
		if _, err := s.Upgrade(ctx, c.id, c.r); graph.KindOf(err) != graph.KindInvalid || !slices.Contains(fields(err), c.field) {
			t.Errorf("%s: %v", c.name, err)
		}
	}
	if _, err := s.Upgrade(ctx, "ghost", UpgradeRequest{Plan: "consultant"}); graph.KindOf(err) != graph.KindNotFound {
		t.Errorf("unknown member: %v", err)
	}
	m, err := s.Upgrade(ctx, "aff", UpgradeRequest{Plan: "consultant_plus"})
	if err != nil || m.Plan != "consultant_plus" {
		t.Fatalf("%v %+v", err, m)
	}
	cfg := engine.DefaultConfig()
	from, to := cfg.Rule(engine.PlanAffiliate), cfg.Rule(engine.PlanConsultantPlus)
	u := net.upgrade[0]
	if u.SaleID != "upg-aff-consultant_plus" || u.Price != to.Price-from.Price || u.BV != to.BV-from.BV || u.FromPlan != engine.PlanAffiliate {
		t.Errorf("the upgrade sale: %+v", u)
	}
}

func TestJoinAndPendingPack(t *testing.T) {
	s, net := newService()
	mustRegister(t, s, req("ana", "consultant", "root", nil))
	mustRegister(t, s, req("cu", "customer", "ana", nil))
	ctx := context.Background()
	join := JoinRequest{ReferralCode: "ana", ID: "bo", Name: "Bo Lind", Email: "bo@example.com", Password: "long-enough", Plan: "consultant"}
	for name, c := range map[string]struct {
		mutate func(*JoinRequest)
		field  string
	}{
		"a customer plan":            {func(j *JoinRequest) { j.Plan = "customer" }, "plan"},
		"no password":                {func(j *JoinRequest) { j.Password = "" }, "password"},
		"a malformed referral code":  {func(j *JoinRequest) { j.ReferralCode = "no such!" }, "referral_code"},
		"a customer's referral code": {func(j *JoinRequest) { j.ReferralCode = "cu" }, "referral_code"},
	} {
		j := join
		c.mutate(&j)
		if _, err := s.Join(ctx, j, "10.0.0.1"); graph.KindOf(err) != graph.KindInvalid || !slices.Contains(fields(err), c.field) {
			t.Errorf("%s: %v", name, err)
		}
	}
	m, err := s.Join(ctx, join, "10.0.0.1")
	if err != nil || m.SponsorID != "ana" {
		t.Fatalf("%v %+v", err, m)
	}
	if !net.pending["bo"] {
		t.Error("a self-registered pack waits for its payment")
	}
	if _, err := s.ConfirmPack(ctx, "bo", ConfirmPackRequest{PaymentReference: " "}); graph.KindOf(err) != graph.KindInvalid {
		t.Errorf("a confirmation needs a reference: %v", err)
	}
	if _, err := s.ConfirmPack(ctx, "bo", ConfirmPackRequest{PaymentReference: "PSP-1"}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ConfirmPack(ctx, "bo", ConfirmPackRequest{PaymentReference: "PSP-1"}); graph.KindOf(err) != graph.KindConflict {
		t.Errorf("confirming twice: %v", err)
	}
}

func TestTreeQueriesCheckTheirBounds(t *testing.T) {
	s, _ := newService()
	ctx := context.Background()
	for name, err := range map[string]error{
		"levels":      func() error { _, err := s.Upline(ctx, "root", false, 1001); return err }(),
		"depth":       func() error { _, err := s.BinaryTree(ctx, "root", 11, "", 0); return err }(),
		"generations": func() error { _, err := s.Generations(ctx, "root", 9); return err }(),
		"generation":  func() error { _, err := s.GenerationMembers(ctx, "root", 0, "", 0); return err }(),
		"q":           func() error { _, err := s.Find(ctx, MemberFilter{Q: " a "}, "", 0); return err }(),
		"cursor":      func() error { _, err := s.BinaryTree(ctx, "root", 2, "not-a-cursor", 0); return err }(),
	} {
		if !slices.Contains(fields(err), name) {
			t.Errorf("%s: %v", name, err)
		}
	}
	if _, err := s.Get(ctx, "no such id!"); graph.KindOf(err) != graph.KindNotFound {
		t.Errorf("a malformed id is simply not found: %v", err)
	}
}

// Issue #14: a back-dated member under a later parent would make every run fail to place it;
// it is refused, whichever way the parent was chosen.
func TestNobodyIsRegisteredBeforeItsPlacementParent(t *testing.T) {
	s, net := newService()
	late := req("late", "consultant", "root", slot("root", "left"))
	lateAt := rootAt.Add(48 * time.Hour)
	late.RegisteredAt = &lateAt
	mustRegister(t, s, late)
	for name, r := range map[string]RegisterRequest{
		"explicit":     req("early1", "consultant", "root", slot("late", "left")),
		"extreme_left": req("early2", "consultant", "root", strategy(StrategyExtremeLeft)),
	} {
		_, err := s.Register(context.Background(), r)
		if graph.KindOf(err) != graph.KindInvalid || !slices.Equal(fields(err), []string{"registered_at"}) || !strings.Contains(err.Error(), "placement parent late") {
			t.Errorf("%s: %v", name, err)
		}
	}
	if len(net.nodes) != 2 {
		t.Errorf("nothing written: %d members", len(net.nodes))
	}
	// Sponsored by the later member: refused on the sponsor already.
	if _, err := s.Register(context.Background(), req("early3", "consultant", "late", nil)); !slices.Equal(fields(err), []string{"registered_at"}) {
		t.Errorf("before the sponsor: %v", err)
	}
}

type downMembers struct{ MemberStore }

func (downMembers) Member(context.Context, string) (*Member, error) {
	return nil, graph.Unavailable("neo4j", errors.New("connection refused"))
}

// Issue #14: /join is throttled per address, and an outage reads as one, not as a bad code.
func TestJoinIsThrottledAndNeverHidesAnOutage(t *testing.T) {
	s, net := newService()
	mustRegister(t, s, req("ana", "consultant", "root", nil))
	s.Limiter, s.JoinsPerAddress = &identity.LoginLimiter{}, 2
	ctx := context.Background()
	j := func(id string) JoinRequest {
		return JoinRequest{ReferralCode: "ana", ID: id, Name: "N " + id, Email: id + "@example.com", Password: "long-enough", Plan: "consultant"}
	}
	if _, err := s.Join(ctx, j("j1"), "10.0.0.7"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Join(ctx, j("j1"), "10.0.0.7"); graph.KindOf(err) != graph.KindInvalid {
		t.Errorf("a taken id: %v", err)
	}
	if _, err := s.Join(ctx, j("j2"), "10.0.0.7"); graph.KindOf(err) != graph.KindRateLimited {
		t.Errorf("the third from one address in the window: %v", err)
	}
	if _, err := s.Join(ctx, j("j2"), "10.0.0.8"); err != nil {
		t.Errorf("another address: %v", err)
	}
	s.Store = downMembers{net}
	if _, err := s.Join(ctx, j("j3"), "10.0.0.9"); graph.KindOf(err) != graph.KindUnavailable {
		t.Errorf("Neo4j down: %v", err)
	}
}

// Whatever a run accounts — a registration's pack, a confirmed pack, an upgrade — wakes the
// earnings projection once it has committed (issue #19); a refused request wakes nothing.
func TestAcceptedRunsAfterEachCommittedSale(t *testing.T) {
	s, net := newService()
	ctx := context.Background()
	woken := 0
	s.Accepted = func() { woken++ }
	expect := func(what string, want int) {
		t.Helper()
		if woken != want {
			t.Errorf("%s: woken %d times, want %d", what, woken, want)
		}
	}
	mustRegister(t, s, req("aff", "affiliate", "root", nil))
	expect("a registration", 1)
	if _, err := s.Register(ctx, req("bad id!", "affiliate", "root", nil)); graph.KindOf(err) != graph.KindInvalid {
		t.Fatalf("a bad id: %v", err)
	}
	expect("a refused registration", 1)
	if _, err := s.Upgrade(ctx, "aff", UpgradeRequest{Plan: "consultant"}); err != nil {
		t.Fatal(err)
	}
	expect("an upgrade", 2)
	if _, err := s.Upgrade(ctx, "aff", UpgradeRequest{Plan: "affiliate"}); graph.KindOf(err) != graph.KindInvalid {
		t.Fatalf("a downgrade: %v", err)
	}
	expect("a refused upgrade", 2)
	if _, err := s.ConfirmPack(ctx, "aff", ConfirmPackRequest{PaymentReference: "PSP-1"}); graph.KindOf(err) != graph.KindConflict {
		t.Fatalf("no pack pending: %v", err)
	}
	expect("no pack to confirm", 2)
	net.mu.Lock()
	net.pending["aff"] = true
	net.mu.Unlock()
	if _, err := s.ConfirmPack(ctx, "aff", ConfirmPackRequest{PaymentReference: "PSP-1"}); err != nil {
		t.Fatal(err)
	}
	expect("a confirmed pack", 3)
}
