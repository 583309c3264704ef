// Package genealogy is the network: members and their registration (placement strategies
// decided here, PLAN.md §2), self-registration, upgrades, who may see whom, and imports of whole
// networks (PLAN.md §7).
package genealogy

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/halo-oss/halo/engine"
	"github.com/halo-oss/halo/graph"
	"github.com/halo-oss/halo/graph/identity"
)

// Member is a member of the network.
type Member struct {
	ID           string    `json:"id" example:"HS-1001"`
	Name         string    `json:"name" example:"Ana Ruiz"`
	Email        string    `json:"email" example:"ana@example.com"`
	Plan         string    `json:"plan" example:"consultant"`
	SponsorID    string    `json:"sponsor_id,omitempty" example:"root"`
	ParentID     string    `json:"parent_id,omitempty" example:"root"`
	Leg          string    `json:"leg,omitempty" example:"left"`
	Rank         string    `json:"rank" example:"none"`
	Depth        int64     `json:"depth"` // placement depth below the root (consultants)
	RegisteredAt time.Time `json:"registered_at"`
	Imported     bool      `json:"imported,omitempty"`
	// PackPending: a self-registered consultant's pack waits for its payment (no sale yet).
	PackPending bool `json:"pack_pending,omitempty"`
}

// Placement is what a registration asks for.
type Placement struct {
	ParentID string `json:"parent_id,omitempty" example:"root"`
	Leg      string `json:"leg,omitempty" example:"left"`
	Strategy string `json:"strategy,omitempty" example:"weaker_leg"`
}

// Registration is a validated request to register a member.
type Registration struct {
	Member
	PasswordHash string
	Strategy     string // one of the Strategy constants (consultants); "" for customers
	// Spine is the side whose outer end the member took (extreme and weaker-leg placements):
	// the store remembers that end on the sponsor, so the next walk resumes there.
	Spine string
	Pack  engine.PlanRules
	// PendingPack: self-registered; the pack is no sale until an admin confirms the payment.
	PendingPack bool
}

// RegisterRequest is POST /members.
type RegisterRequest struct {
	ID           string     `json:"id" example:"HS-1001"`
	Name         string     `json:"name" example:"Ana Ruiz"`
	Email        string     `json:"email" example:"ana@example.com"`
	Password     string     `json:"password,omitempty"`
	Plan         string     `json:"plan" example:"consultant"`
	SponsorID    string     `json:"sponsor_id" example:"root"`
	Placement    *Placement `json:"placement,omitempty"`
	RegisteredAt *time.Time `json:"registered_at,omitempty"`
}

// UpgradeRequest is POST /members/{id}/upgrade.
type UpgradeRequest struct {
	Plan       string     `json:"plan" example:"consultant_plus"`
	OccurredAt *time.Time `json:"occurred_at,omitempty"`
	// ID names the upgrade's sale (same pattern as member ids, unique among sales); without it
	// the service makes one.
	ID string `json:"id,omitempty" example:"upg-HS-1001-1"`
}

// Upgrade is a decided upgrade: a sale of the price and BV difference (PLAN.md §2). The store
// applies it only while the member is still on FromPlan, so two racing upgrades cannot both.
type Upgrade struct {
	MemberID   string
	FromPlan   engine.Plan
	ToPlan     engine.Plan
	SaleID     string
	Price, BV  engine.Units
	OccurredAt time.Time
}

// TreeNode is a member as shown in tree views.
type TreeNode struct {
	ID        string `json:"id"`
	Name      string `json:"name"`
	Plan      string `json:"plan"`
	Rank      string `json:"rank"`
	SponsorID string `json:"sponsor_id,omitempty"`
	ParentID  string `json:"parent_id,omitempty"`
	Leg       string `json:"leg,omitempty"`
	Level     int64  `json:"level"` // distance from the member asked about
	// Genealogy views (binary tree): active in the projection, and leg volume = committed carry +
	// the open period's live volume.
	Active      *bool  `json:"active,omitempty"`
	LeftVolume  string `json:"left_volume,omitempty"`
	RightVolume string `json:"right_volume,omitempty"`
	// The member list adds how to reach the member, its status (PLAN.md §10) and whether its
	// pack waits for payment.
	Email        string     `json:"email,omitempty"`
	Status       string     `json:"status,omitempty"`
	PackPending  bool       `json:"pack_pending,omitempty"`
	RegisteredAt *time.Time `json:"registered_at,omitempty"`
	CarryLeft    int64      `json:"-"`
	CarryRight   int64      `json:"-"`
}

// Generation is one sponsor generation below a member (PLAN.md §4 step 6 counts up to eight).
type Generation struct {
	Generation  int64 `json:"generation"`
	Members     int64 `json:"members"`
	Consultants int64 `json:"consultants"`
	Customers   int64 `json:"customers"`
}

// LegCounts is the size of each placement leg under a member.
type LegCounts struct {
	MemberID string `json:"member_id"`
	Left     int64  `json:"left"`
	Right    int64  `json:"right"`
	// Pending is how many placements, anywhere in the network, are not yet in any leg count;
	// they are added within about a second (HALO_LEG_COUNT_INTERVAL). 0 means exact.
	Pending int64 `json:"pending"`
}

// MemberStore keeps the genealogy (implemented over Neo4j by package store).
type MemberStore interface {
	// Register runs decide in one write transaction, which takes the placement lock first when
	// placed is true (consultants): every placement is serialized against every other.
	Register(ctx context.Context, placed bool, decide func(RegistrationTx) (*Member, error)) (*Member, error)
	Member(ctx context.Context, id string) (*Member, error)
	// Upgrade applies u; Conflict when the member left u.FromPlan meanwhile.
	Upgrade(ctx context.Context, u Upgrade) (*Member, error)
	Upline(ctx context.Context, id string, placement bool, levels int) ([]TreeNode, error)
	BinaryTree(ctx context.Context, id string, depth int, offset, limit int) ([]TreeNode, bool, error)
	Generations(ctx context.Context, id string, max int) ([]Generation, error)
	GenerationMembers(ctx context.Context, id string, gen int, offset, limit int) ([]TreeNode, bool, error)
	LegCounts(ctx context.Context, id string) (*LegCounts, error)
	// Find pages the members a filter admits, in id order.
	Find(ctx context.Context, f MemberFilter, offset, limit int) ([]TreeNode, bool, error)
	// Contacts is a member's sponsor and placement parent (name and contact only).
	Contacts(ctx context.Context, id string) (*Contacts, error)
	// LegEnd is the member at the bottom of the outside of a leg (the end of its left or right
	// spine); the member itself when that leg is empty.
	LegEnd(ctx context.Context, id, leg string) (string, error)
	// ConfirmPack turns a pending pack into a sale; false when there was none pending.
	ConfirmPack(ctx context.Context, memberID, actor, reference string, at time.Time) (bool, error)
}

// MemberService is the genealogy's business logic.
type MemberService struct {
	Store MemberStore
	// StatusStore records suspensions, reinstatements and terminations (PLAN.md §10).
	StatusStore StatusStore
	// RefundStore records refunds of packs and upgrades (PLAN.md §11).
	RefundStore RefundStore
	// LegStore recounts leg counts on a graph from before they were kept.
	LegStore LegCountStore
	// AfterChange runs after a status change or a refund: the projection is recomputed (who earns
	// changes), and when movesVolume the live counters are rebuilt too — a termination moves
	// attribution (§10 roll-up) and a refund voids open volume (§11); a suspension moves none.
	AfterChange func(movesVolume bool)
	// Accepted, when set, runs after a registration, a confirmed pack or an upgrade has
	// committed: the earnings projection looks at once (issue #19).
	Accepted func()
	Audit    *graph.Auditor
	Plan     *engine.Config
	Now      func() time.Time
	RootID   string
	// Limiter throttles self-registrations per address (JoinsPerAddress in its window, default
	// 10): /join must say when an e-mail is taken, so it must not be a fast way to ask.
	Limiter         *identity.LoginLimiter
	JoinsPerAddress int
}

// Register validates every field rule and registers the member.
func (s *MemberService) Register(ctx context.Context, req RegisterRequest) (*Member, error) {
	return s.register(ctx, req, false)
}

// JoinRequest is a consultant's self-registration through a sponsor's referral code.
type JoinRequest struct {
	ReferralCode string     `json:"referral_code" example:"HS-1001"`
	ID           string     `json:"id" example:"HS-2002"`
	Name         string     `json:"name" example:"Bo Lind"`
	Email        string     `json:"email" example:"bo@example.com"`
	Password     string     `json:"password"`
	Plan         string     `json:"plan" example:"consultant"`
	Placement    *Placement `json:"placement,omitempty"`
}

// Join self-registers a consultant under the sponsor whose referral code (its member id) was
// given, with the same rules as an admin registration. A priced pack stays pending — no sale,
// nobody earns from it — until an admin confirms the payment.
func (s *MemberService) Join(ctx context.Context, req JoinRequest, ip string) (*Member, error) {
	joins := s.JoinsPerAddress
	if joins == 0 {
		joins = 10
	}
	if err := s.Limiter.Throttle("join:"+ip, joins, "self-registrations"); err != nil {
		return nil, err
	}
	if p, err := engine.ParsePlan(req.Plan); err == nil && !p.IsConsultant() {
		return nil, graph.InvalidField("plan", "self-registration is for consultant plans (affiliate, consultant, consultant_plus)")
	}
	if req.Password == "" {
		return nil, graph.InvalidField("password", "is required to self-register")
	}
	if !graph.ValidID(req.ReferralCode) {
		return nil, graph.InvalidField("referral_code", "is not a valid referral code")
	}
	sp, err := s.Store.Member(ctx, req.ReferralCode)
	if err != nil && graph.KindOf(err) != graph.KindNotFound {
		return nil, err // an outage is an outage, not a bad code
	}
	if err != nil || sp.Plan == "customer" {
		return nil, graph.InvalidField("referral_code", "is not a valid referral code")
	}
	return s.register(ctx, RegisterRequest{ID: req.ID, Name: req.Name, Email: req.Email, Password: req.Password, Plan: req.Plan,
		SponsorID: req.ReferralCode, Placement: req.Placement}, true)
}

// ConfirmPackRequest carries the payment reference of a self-registered pack.
type ConfirmPackRequest struct {
	PaymentReference string `json:"payment_reference" example:"PSP-7781"`
}

// ConfirmPack makes a pending pack a sale (the next run accounts it).
func (s *MemberService) ConfirmPack(ctx context.Context, id string, req ConfirmPackRequest) (*Member, error) {
	if r := strings.TrimSpace(req.PaymentReference); r == "" || len(r) > 200 {
		return nil, graph.InvalidField("payment_reference", "is required (at most 200 characters)")
	}
	m, err := s.Store.Member(ctx, id)
	if err != nil {
		return nil, err
	}
	ok, err := s.Store.ConfirmPack(ctx, id, graph.ActorOf(ctx), strings.TrimSpace(req.PaymentReference), s.Now().UTC())
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, graph.Conflict("member %s has no pack waiting for payment", id)
	}
	s.Audit.Record(ctx, "member.confirm_pack", "member", id, map[string]bool{"pack_pending": true}, map[string]any{"pack_pending": false, "payment_reference": req.PaymentReference})
	s.accepted()
	return m, nil
}

func (s *MemberService) register(ctx context.Context, req RegisterRequest, selfRegistered bool) (*Member, error) {
	now := s.Now().UTC()
	nm, details := CheckNewMember(NewMember{ID: req.ID, Name: req.Name, Email: req.Email, Plan: req.Plan})
	bad := func(field, msg string) { details = append(details, graph.Detail{Field: field, Message: msg}) }
	name, email, plan := nm.Name, nm.Email, nm.plan
	var err error
	if req.SponsorID == "" {
		bad("sponsor_id", "is required (only the root has no sponsor)")
	} else if !graph.ValidID(req.SponsorID) {
		bad("sponsor_id", "must be a member id")
	}
	var hash string
	if req.Password != "" {
		if hash, err = identity.HashPassword(req.Password); err != nil {
			bad("password", graph.AsError(err).Details[0].Message)
		}
	}
	at := now
	if req.RegisteredAt != nil {
		at = req.RegisteredAt.UTC()
		if at.After(now) {
			bad("registered_at", "must not be in the future")
		}
	}
	r := Registration{Member: Member{ID: req.ID, Name: name, Email: email, Plan: req.Plan, SponsorID: req.SponsorID, RegisteredAt: at, Rank: "none"},
		PasswordHash: hash, PendingPack: selfRegistered}
	if plan == engine.PlanCustomer {
		if req.Placement != nil {
			bad("placement", "customers are not placed")
		}
	} else if plan != engine.PlanNone {
		r.Pack = s.Plan.Rule(plan)
		p := req.Placement
		switch {
		case p == nil:
			r.Strategy = StrategyWeakerLeg // the default
		case p.Strategy != "" && (p.ParentID != "" || p.Leg != ""):
			bad("placement", "give either {parent_id, leg} or {strategy}, not both")
		case p.Strategy != "":
			switch p.Strategy {
			case StrategyExtremeLeft, StrategyExtremeRight, StrategyWeakerLeg, StrategyBalanced:
				r.Strategy = p.Strategy
			default:
				bad("placement.strategy", "must be extreme_left, extreme_right, weaker_leg or balanced")
			}
		default:
			r.Strategy = StrategyExplicit
			if !graph.ValidID(p.ParentID) {
				bad("placement.parent_id", "is required with a leg")
			}
			if _, ok := engine.ParseLeg(p.Leg); !ok {
				bad("placement.leg", "must be left or right")
			}
			r.ParentID, r.Leg = p.ParentID, p.Leg
		}
	}
	if len(details) > 0 {
		return nil, graph.InvalidDetails(details)
	}
	m, err := s.Store.Register(ctx, plan.IsConsultant(), func(tx RegistrationTx) (*Member, error) { return registerIn(ctx, tx, r) })
	if err == nil {
		s.Audit.Record(ctx, "member.register", "member", m.ID, nil, m)
		s.accepted()
	}
	return m, err
}

func (s *MemberService) accepted() {
	if s.Accepted != nil {
		s.Accepted()
	}
}

// Get returns a member.
func (s *MemberService) Get(ctx context.Context, id string) (*Member, error) {
	if !graph.ValidID(id) {
		return nil, graph.NotFound("member %s not found", id)
	}
	return s.Store.Member(ctx, id)
}

// Upgrade moves a consultant up a plan (PLAN.md §2: up only).
func (s *MemberService) Upgrade(ctx context.Context, id string, req UpgradeRequest) (*Member, error) {
	now := s.Now().UTC()
	to, err := engine.ParsePlan(req.Plan)
	if err != nil || !to.IsConsultant() {
		return nil, graph.InvalidField("plan", "must be affiliate, consultant or consultant_plus")
	}
	at := now
	if req.OccurredAt != nil {
		at = req.OccurredAt.UTC()
		if at.After(now) {
			return nil, graph.InvalidField("occurred_at", "must not be in the future")
		}
	}
	if !graph.ValidID(id) {
		return nil, graph.NotFound("member %s not found", id)
	}
	h, err := s.purchaseHistory(ctx, id)
	if err != nil {
		return nil, err
	}
	before := h.Member
	from, _ := engine.ParsePlan(before.Plan)
	switch {
	case !from.IsConsultant():
		return nil, graph.InvalidField("plan", "%s is a customer; only consultants upgrade", id)
	case to <= from:
		return nil, graph.InvalidField("plan", "upgrades go up only: %s is already %s", id, before.Plan)
	case at.Before(before.RegisteredAt):
		return nil, graph.InvalidField("occurred_at", "must not be before the member's registration")
	case h.TerminatedAt != nil && !at.Before(*h.TerminatedAt):
		return nil, graph.Conflict("%s was terminated from %s; no upgrade can occur at or after a termination (PLAN.md §10)", id, h.TerminatedAt.Format(time.RFC3339))
	case at.Before(h.latest()):
		// §11: no upgrade is dated before a purchase or refund already recorded for its member.
		return nil, graph.InvalidField("occurred_at", "must not be before %s, the latest purchase or refund recorded for %s", h.latest().Format(time.RFC3339), id)
	}
	saleID := strings.TrimSpace(req.ID)
	if saleID != "" && !graph.ValidID(saleID) {
		return nil, graph.InvalidField("id", "must match ^[A-Za-z0-9._-]{1,64}$")
	}
	if saleID == "" {
		saleID = "upg-" + id + "-" + to.String()
		n := 0
		for _, p := range h.Purchases {
			if p.Kind == "upgrade" {
				n++
			}
		}
		if n > 0 { // upgraded before (a refund made room): a new sale, a new id
			saleID += "-" + strconv.Itoa(n+1)
		}
	}
	rf, rt := s.Plan.Rule(from), s.Plan.Rule(to)
	m, err := s.Store.Upgrade(ctx, Upgrade{MemberID: id, FromPlan: from, ToPlan: to, SaleID: saleID,
		Price: rt.Price - rf.Price, BV: rt.BV - rf.BV, OccurredAt: at})
	if err == nil {
		s.Audit.Record(ctx, "member.upgrade", "member", id, before, m)
		s.accepted()
	}
	return m, err
}

// purchaseHistory is the member with its purchases, refunds and termination, in one read;
// without a RefundStore (unit tests of the rest) just the member.
func (s *MemberService) purchaseHistory(ctx context.Context, id string) (*PurchaseHistory, error) {
	if s.RefundStore != nil {
		return s.RefundStore.PurchaseHistory(ctx, id)
	}
	m, err := s.Store.Member(ctx, id)
	if err != nil {
		return nil, err
	}
	return &PurchaseHistory{Member: m}, nil
}

// Upline lists a member's ancestors in the sponsor or placement tree, nearest first.
func (s *MemberService) Upline(ctx context.Context, id string, placement bool, levels int) ([]TreeNode, error) {
	if levels < 0 || levels > 1000 {
		return nil, graph.InvalidField("levels", "must be between 1 and 1000")
	}
	return s.Store.Upline(ctx, id, placement, graph.Clamp(levels, 1, 1000, 8))
}

// BinaryTree is the placement subtree to a depth (at most 10 levels), breadth-first, paged.
func (s *MemberService) BinaryTree(ctx context.Context, id string, depth int, cursor string, limit int) (*graph.Page[TreeNode], error) {
	if depth < 0 || depth > 10 {
		return nil, graph.InvalidField("depth", "must be between 1 and 10")
	}
	return graph.Paginate(cursor, limit, func(off, lim int) ([]TreeNode, bool, error) {
		return s.Store.BinaryTree(ctx, id, graph.Clamp(depth, 1, 10, 4), off, lim)
	})
}

// Generations counts members per sponsor generation 1…max (max ≤ 8 by default).
func (s *MemberService) Generations(ctx context.Context, id string, maxGen int) ([]Generation, error) {
	if maxGen < 0 || maxGen > 8 {
		return nil, graph.InvalidField("generations", "must be between 1 and 8")
	}
	return s.Store.Generations(ctx, id, graph.Clamp(maxGen, 1, 8, 8))
}

// GenerationMembers pages the members of one sponsor generation.
func (s *MemberService) GenerationMembers(ctx context.Context, id string, gen int, cursor string, limit int) (*graph.Page[TreeNode], error) {
	if gen < 1 || gen > 8 {
		return nil, graph.InvalidField("generation", "must be between 1 and 8")
	}
	return graph.Paginate(cursor, limit, func(off, lim int) ([]TreeNode, bool, error) {
		return s.Store.GenerationMembers(ctx, id, gen, off, lim)
	})
}

// LegCounts counts the members in each placement leg.
func (s *MemberService) LegCounts(ctx context.Context, id string) (*LegCounts, error) {
	return s.Store.LegCounts(ctx, id)
}

// MemberFilter narrows the member list. Empty fields leave a filter out.
type MemberFilter struct {
	Q      string // exact id, email prefix or part of the name (at least 2 characters)
	Plan   string
	Rank   string
	Status string // active | suspended | terminated (PLAN.md §10)
	// Pending keeps only members whose self-registered pack waits for its payment (or, false,
	// only those without one).
	Pending *bool
	// Within keeps the member itself and its placement and sponsor downline: a consultant's
	// search of its own organization. It needs Q: a downline is browsed through the trees.
	Within string
}

// Find lists members by the filter, paged in id order: the admin's member list, and a search
// inside a consultant's downline (Within).
func (s *MemberService) Find(ctx context.Context, f MemberFilter, cursor string, limit int) (*graph.Page[TreeNode], error) {
	f.Q = strings.TrimSpace(f.Q)
	if f.Q != "" && len(f.Q) < 2 {
		return nil, graph.InvalidField("q", "needs at least 2 characters")
	}
	if f.Within != "" && f.Q == "" {
		return nil, graph.InvalidField("q", "is required to search a downline (at least 2 characters)")
	}
	if f.Plan != "" {
		if _, err := engine.ParsePlan(f.Plan); err != nil {
			return nil, graph.InvalidField("plan", "must be one of affiliate, consultant, consultant_plus, customer")
		}
	}
	if f.Rank != "" && s.Plan != nil {
		known := false
		for _, r := range s.Plan.Ranks {
			known = known || r.Name == f.Rank
		}
		if !known {
			return nil, graph.InvalidField("rank", "is not a rank of the plan")
		}
	}
	switch f.Status {
	case "", "active", "suspended", "terminated":
	default:
		return nil, graph.InvalidField("status", "must be active, suspended or terminated")
	}
	return graph.Paginate(cursor, limit, func(off, lim int) ([]TreeNode, bool, error) {
		return s.Store.Find(ctx, f, off, lim)
	})
}

// Contacts are the two members above a member it may reach: its sponsor and its placement
// parent, with name and e-mail, not the upline beyond them.
type Contacts struct {
	MemberID string   `json:"member_id"`
	Sponsor  *Contact `json:"sponsor,omitempty"`
	Parent   *Contact `json:"placement_parent,omitempty"`
	Leg      string   `json:"leg,omitempty"` // which leg of the parent the member sits in
}

// Contact is how to reach a member.
type Contact struct {
	ID    string `json:"id"`
	Name  string `json:"name"`
	Email string `json:"email"`
}

// Contacts returns a member's sponsor and placement parent.
func (s *MemberService) Contacts(ctx context.Context, id string) (*Contacts, error) {
	return s.Store.Contacts(ctx, id)
}

// LegEnd is the node at the bottom of a member's left or right leg, for jumping there in the tree
// viewer: the end of the outside spine, where extreme_left/right placement would put a newcomer's
// parent.
func (s *MemberService) LegEnd(ctx context.Context, id, leg string) (*TreeNode, error) {
	if leg != "left" && leg != "right" {
		return nil, graph.InvalidField("leg", "must be left or right")
	}
	end, err := s.Store.LegEnd(ctx, id, leg)
	if err != nil {
		return nil, err
	}
	nodes, _, err := s.Store.BinaryTree(ctx, end, 1, 0, 1)
	if err != nil {
		return nil, err
	}
	if len(nodes) == 0 {
		return nil, graph.NotFound("member %s not found", end)
	}
	return &nodes[0], nil
}
