package store

import (
	"context"
	"fmt"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/halo-oss/halo/cypher"
	"github.com/halo-oss/halo/engine"
	"github.com/halo-oss/halo/graph"
	"github.com/halo-oss/halo/graph/genealogy"
	"github.com/halo-oss/halo/graph/sales"
)

var (
	qRegisterCheck       = cypher.MustQuery("member_register_check")
	qPlacementDescendant = cypher.MustQuery("placement_is_descendant")
	qExtreme             = map[string]string{"left": cypher.MustQuery("placement_extreme_left"), "right": cypher.MustQuery("placement_extreme_right")}
	qPlacementChildren   = cypher.MustQuery("placement_children")
	qPlacementLegsBV     = cypher.MustQuery("placement_legs_bv")
	qMemberCreate        = cypher.MustQuery("member_create")
	qMemberGet           = cypher.MustQuery("member_get")
	qMemberUpgrade       = cypher.MustQuery("member_upgrade")
	qUplineSponsor       = cypher.MustQuery("upline_sponsor")
	qUplinePlacement     = cypher.MustQuery("upline_placement")
	qBinaryTree          = cypher.MustQuery("binary_tree")
	qGenerations         = cypher.MustQuery("generations")
	qGenerationMembers   = cypher.MustQuery("generation_members")
	qLegRoots            = cypher.MustQuery("leg_roots")
	qLegCountStep        = cypher.MustQuery("leg_count_step")
	qMemberSearch        = cypher.MustQuery("member_search")
	qMemberServices      = cypher.MustQuery("member_services")
)

func txOne(ctx context.Context, tx neo4j.ManagedTransaction, q string, params map[string]any) (*neo4j.Record, error) {
	res, err := tx.Run(ctx, q, params)
	if err != nil {
		return nil, err
	}
	recs, err := res.Collect(ctx)
	if err != nil {
		return nil, err
	}
	if len(recs) == 0 {
		return nil, nil
	}
	return recs[0], nil
}

func get[T any](r *neo4j.Record, key string) T {
	var zero T
	if r == nil {
		return zero
	}
	v, _ := r.Get(key)
	t, _ := v.(T)
	return t
}

// Register implements genealogy.MemberStore. One write transaction: take the placement lock (for
// consultants), check the rules against the current graph, resolve the slot, create.
func (s *Store) Register(ctx context.Context, r genealogy.Registration) (*genealogy.Member, error) {
	sess := s.session(ctx, true)
	defer sess.Close(ctx)
	plan, _ := engine.ParsePlan(r.Plan)
	res, err := sess.ExecuteWrite(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
		var parentParam any
		if r.Strategy == genealogy.StrategyExplicit {
			parentParam = r.ParentID
		}
		chk, err := txOne(ctx, tx, qRegisterCheck, map[string]any{"sponsor": r.SponsorID, "id": r.ID, "email": r.Email,
			"lock": plan.IsConsultant(), "parent": parentParam})
		if err != nil {
			return nil, err
		}
		var details []graph.Detail
		if get[bool](chk, "id_taken") {
			details = append(details, graph.Detail{Field: "id", Message: "is already registered"})
		}
		if get[bool](chk, "email_taken") {
			details = append(details, graph.Detail{Field: "email", Message: "is already registered"})
		}
		switch {
		case !get[bool](chk, "sponsor_exists"):
			details = append(details, graph.Detail{Field: "sponsor_id", Message: fmt.Sprintf("member %s does not exist", r.SponsorID)})
		case get[string](chk, "sponsor_plan") == "customer":
			details = append(details, graph.Detail{Field: "sponsor_id", Message: fmt.Sprintf("%s is a customer; a sponsor must be a consultant", r.SponsorID)})
		default:
			if at := get[time.Time](chk, "sponsor_at"); !at.IsZero() && r.RegisteredAt.Before(at) {
				details = append(details, graph.Detail{Field: "registered_at", Message: "must not be before the sponsor's registration"})
			}
		}
		if len(details) > 0 {
			return nil, invalid(details)
		}
		var parent, leg any
		if plan.IsConsultant() {
			p, l, err := s.resolvePlacement(ctx, tx, r, chk)
			if err != nil {
				return nil, err
			}
			parent, leg = p, l
			r.ParentID, r.Leg = p, l
		}
		var hash any
		if r.PasswordHash != "" {
			hash = r.PasswordHash
		}
		var hint any
		if plan.IsConsultant() && r.Strategy != genealogy.StrategyExplicit && r.Strategy != genealogy.StrategyBalanced {
			hint = r.Leg
		}
		rec, err := txOne(ctx, tx, qMemberCreate, map[string]any{
			"id": r.ID, "name": r.Name, "email": r.Email, "plan": r.Plan, "sponsor": r.SponsorID,
			"registered_at": r.RegisteredAt.Format(time.RFC3339Nano), "accepted_at": r.AcceptedAt.Format(time.RFC3339Nano),
			"password_hash": hash, "parent": parent, "leg": leg, "hint": hint,
			"price_cents": int64(r.Pack.Price), "bv_cents": int64(r.Pack.BV), "pending": r.PendingPack,
		})
		if err != nil {
			return nil, err
		}
		return memberOf(rec), nil
	})
	if err != nil {
		return nil, s.mapErr(err)
	}
	return res.(*genealogy.Member), nil
}

func memberOf(r *neo4j.Record) *genealogy.Member {
	return &genealogy.Member{ID: get[string](r, "id"), Name: get[string](r, "name"), Email: get[string](r, "email"), Plan: get[string](r, "plan"),
		SponsorID: get[string](r, "sponsor_id"), ParentID: get[string](r, "parent_id"), Leg: get[string](r, "leg"), Rank: get[string](r, "rank"),
		Depth: get[int64](r, "depth"), RegisteredAt: get[time.Time](r, "registered_at").UTC(), Imported: get[bool](r, "imported")}
}

func invalid(details []graph.Detail) *graph.Error {
	msg := ""
	for i, d := range details {
		if i > 0 {
			msg += "; "
		}
		msg += d.Field + ": " + d.Message
	}
	return &graph.Error{Kind: graph.KindInvalid, Message: msg, Details: details}
}

// resolvePlacement returns the parent and leg for r, under the placement lock.
func (s *Store) resolvePlacement(ctx context.Context, tx neo4j.ManagedTransaction, r genealogy.Registration, p *neo4j.Record) (string, string, error) {
	sponsorDepth := get[int64](p, "sponsor_depth")
	switch r.Strategy {
	case genealogy.StrategyExplicit:
		if !get[bool](p, "parent_exists") {
			return "", "", graph.InvalidField("placement.parent_id", "member %s does not exist", r.ParentID)
		}
		if get[string](p, "parent_plan") == "customer" {
			return "", "", graph.InvalidField("placement.parent_id", "%s is a customer; customers are not placed", r.ParentID)
		}
		if get[bool](p, r.Leg+"_taken") {
			return "", "", graph.InvalidField("placement.leg", "the %s slot of %s is taken", r.Leg, r.ParentID)
		}
		if r.ParentID != r.SponsorID {
			ok, err := txOne(ctx, tx, qPlacementDescendant, map[string]any{"parent": r.ParentID, "sponsor": r.SponsorID, "sponsor_depth": sponsorDepth})
			if err != nil {
				return "", "", err
			}
			if !get[bool](ok, "inside") {
				return "", "", graph.InvalidField("placement.parent_id", "%s is not the sponsor %s nor in its placement subtree", r.ParentID, r.SponsorID)
			}
		}
		return r.ParentID, r.Leg, nil
	case genealogy.StrategyExtremeLeft:
		return s.extreme(ctx, tx, r.SponsorID, "left")
	case genealogy.StrategyExtremeRight:
		return s.extreme(ctx, tx, r.SponsorID, "right")
	case genealogy.StrategyWeakerLeg:
		bv, err := txOne(ctx, tx, qPlacementLegsBV, map[string]any{"sponsor": r.SponsorID})
		if err != nil {
			return "", "", err
		}
		l, rt := get[int64](bv, "left_bv"), get[int64](bv, "right_bv")
		side := "left"
		switch {
		case rt < l:
			side = "right"
		case rt == l:
			// Ties go to the leg with fewer members, then left.
			c, err := legCounts(ctx, txRunner(ctx, tx), r.SponsorID)
			if err != nil {
				return "", "", err
			}
			if c.Right < c.Left {
				side = "right"
			}
		}
		return s.extreme(ctx, tx, r.SponsorID, side)
	case genealogy.StrategyBalanced:
		level := []string{r.SponsorID}
		for len(level) > 0 {
			res, err := tx.Run(ctx, qPlacementChildren, map[string]any{"ids": level})
			if err != nil {
				return "", "", err
			}
			recs, err := res.Collect(ctx)
			if err != nil {
				return "", "", err
			}
			next := make([]string, 0, 2*len(recs))
			for _, rec := range recs {
				id, l, rt := get[string](rec, "id"), get[string](rec, "left"), get[string](rec, "right")
				if l == "" {
					return id, "left", nil
				}
				if rt == "" {
					return id, "right", nil
				}
				next = append(next, l, rt)
			}
			level = next
		}
		return "", "", graph.Internal(fmt.Errorf("balanced placement found no free slot under %s", r.SponsorID))
	}
	return "", "", graph.InvalidField("placement.strategy", "unknown strategy %q", r.Strategy)
}

func (s *Store) extreme(ctx context.Context, tx neo4j.ManagedTransaction, from, side string) (string, string, error) {
	rec, err := txOne(ctx, tx, qExtreme[side], map[string]any{"from": from})
	if err != nil {
		return "", "", err
	}
	if rec == nil {
		return "", "", graph.Internal(fmt.Errorf("no %s spine under %s", side, from))
	}
	return get[string](rec, "parent"), side, nil
}

// Member implements genealogy.MemberStore.
func (s *Store) Member(ctx context.Context, id string) (*genealogy.Member, error) {
	res, err := s.read(ctx, qMemberGet, map[string]any{"id": id})
	if err != nil {
		return nil, err
	}
	if len(res.Records) == 0 {
		return nil, graph.NotFound("member %s not found", id)
	}
	return memberOf(res.Records[0]), nil
}

// Upgrade implements genealogy.MemberStore.
func (s *Store) Upgrade(ctx context.Context, u genealogy.Upgrade) (*genealogy.Member, error) {
	m, err := s.Member(ctx, u.MemberID)
	if err != nil {
		return nil, err
	}
	from, _ := engine.ParsePlan(m.Plan)
	if !from.IsConsultant() {
		return nil, graph.InvalidField("plan", "%s is a customer; only consultants upgrade", m.ID)
	}
	if u.ToPlan <= from {
		return nil, graph.InvalidField("plan", "upgrades go up only: %s is already %s", m.ID, m.Plan)
	}
	if u.OccurredAt.Before(m.RegisteredAt) {
		return nil, graph.InvalidField("occurred_at", "must not be before the member's registration")
	}
	rf, rt := u.Config.Rule(from), u.Config.Rule(u.ToPlan)
	res, err := s.write(ctx, qMemberUpgrade, map[string]any{
		"id": m.ID, "from": m.Plan, "to": u.ToPlan.String(), "sale_id": "upg-" + m.ID + "-" + u.ToPlan.String(),
		"price_cents": int64(rt.Price - rf.Price), "bv_cents": int64(rt.BV - rf.BV),
		"occurred_at": u.OccurredAt.Format(time.RFC3339Nano), "accepted_at": u.AcceptedAt.Format(time.RFC3339Nano),
	})
	if err != nil {
		return nil, err
	}
	if get[int64](res.Records[0], "n") == 0 {
		return nil, graph.Conflict("member %s changed plan meanwhile; try again", m.ID)
	}
	return s.Member(ctx, m.ID)
}

func treeNodeOf(r *neo4j.Record) genealogy.TreeNode {
	return genealogy.TreeNode{ID: get[string](r, "id"), Name: get[string](r, "name"), Plan: get[string](r, "plan"), Rank: get[string](r, "rank"),
		SponsorID: get[string](r, "sponsor_id"), ParentID: get[string](r, "parent_id"), Leg: get[string](r, "leg"), Level: get[int64](r, "level"),
		CarryLeft: get[int64](r, "cl"), CarryRight: get[int64](r, "cr")}
}

func treeNodes(res *neo4j.EagerResult) []genealogy.TreeNode {
	out := make([]genealogy.TreeNode, 0, len(res.Records))
	for _, r := range res.Records {
		out = append(out, treeNodeOf(r))
	}
	return out
}

func (s *Store) mustExist(ctx context.Context, id string) error {
	_, err := s.Member(ctx, id)
	return err
}

// Upline implements genealogy.MemberStore.
func (s *Store) Upline(ctx context.Context, id string, placement bool, levels int) ([]genealogy.TreeNode, error) {
	if err := s.mustExist(ctx, id); err != nil {
		return nil, err
	}
	q := qUplineSponsor
	if placement {
		q = qUplinePlacement
	}
	res, err := s.read(ctx, q, map[string]any{"id": id, "levels": levels})
	if err != nil {
		return nil, err
	}
	return treeNodes(res), nil
}

func (s *Store) paged(ctx context.Context, q string, params map[string]any, offset, limit int) ([]genealogy.TreeNode, bool, error) {
	params["offset"] = offset
	return readPage(ctx, s, q, params, limit, treeNodeOf)
}

// BinaryTree implements genealogy.MemberStore.
func (s *Store) BinaryTree(ctx context.Context, id string, depth, offset, limit int) ([]genealogy.TreeNode, bool, error) {
	if err := s.mustExist(ctx, id); err != nil {
		return nil, false, err
	}
	return s.paged(ctx, qBinaryTree, map[string]any{"id": id, "depth": depth}, offset, limit)
}

// Generations implements genealogy.MemberStore.
func (s *Store) Generations(ctx context.Context, id string, max int) ([]genealogy.Generation, error) {
	if err := s.mustExist(ctx, id); err != nil {
		return nil, err
	}
	res, err := s.read(ctx, qGenerations, map[string]any{"id": id, "max": max})
	if err != nil {
		return nil, err
	}
	byGen := map[int64]genealogy.Generation{}
	for _, r := range res.Records {
		g := get[int64](r, "generation")
		byGen[g] = genealogy.Generation{Generation: g, Members: get[int64](r, "members"), Consultants: get[int64](r, "consultants"), Customers: get[int64](r, "customers")}
	}
	out := make([]genealogy.Generation, 0, max)
	for g := int64(1); g <= int64(max); g++ {
		gen := byGen[g]
		gen.Generation = g
		out = append(out, gen)
	}
	return out, nil
}

// GenerationMembers implements genealogy.MemberStore.
func (s *Store) GenerationMembers(ctx context.Context, id string, gen, offset, limit int) ([]genealogy.TreeNode, bool, error) {
	if err := s.mustExist(ctx, id); err != nil {
		return nil, false, err
	}
	return s.paged(ctx, qGenerationMembers, map[string]any{"id": id, "gen": gen}, offset, limit)
}

// LegCounts implements genealogy.MemberStore.
func (s *Store) LegCounts(ctx context.Context, id string) (*genealogy.LegCounts, error) {
	return legCounts(ctx, func(q string, p map[string]any) ([]*neo4j.Record, error) {
		res, err := s.read(ctx, q, p)
		if err != nil {
			return nil, err
		}
		return res.Records, nil
	}, id)
}

type runner func(q string, params map[string]any) ([]*neo4j.Record, error)

func txRunner(ctx context.Context, tx neo4j.ManagedTransaction) runner {
	return func(q string, params map[string]any) ([]*neo4j.Record, error) {
		res, err := tx.Run(ctx, q, params)
		if err != nil {
			return nil, err
		}
		return res.Collect(ctx)
	}
}

// legCounts counts each placement leg in bounded steps (see leg_count_step.cypher).
func legCounts(ctx context.Context, run runner, id string) (*genealogy.LegCounts, error) {
	recs, err := run(qLegRoots, map[string]any{"id": id})
	if err != nil {
		return nil, err
	}
	if len(recs) == 0 {
		return nil, graph.NotFound("member %s not found", id)
	}
	count := func(root string) (int64, error) {
		if root == "" {
			return 0, nil
		}
		total := int64(1)
		frontier := []string{root}
		for len(frontier) > 0 {
			if err := ctx.Err(); err != nil {
				return 0, graph.Unavailable("neo4j", err)
			}
			rs, err := run(qLegCountStep, map[string]any{"frontier": frontier})
			if err != nil {
				return 0, err
			}
			frontier = frontier[:0]
			for _, r := range rs {
				total += get[int64](r, "counted")
				for _, n := range get[[]any](r, "next") {
					if s, ok := n.(string); ok {
						frontier = append(frontier, s)
					}
				}
			}
		}
		return total, nil
	}
	l, err := count(get[string](recs[0], "left"))
	if err != nil {
		return nil, err
	}
	r, err := count(get[string](recs[0], "right"))
	if err != nil {
		return nil, err
	}
	return &genealogy.LegCounts{MemberID: id, Left: l, Right: r}, nil
}

// Search implements genealogy.MemberStore.
func (s *Store) Search(ctx context.Context, q string, offset, limit int) ([]genealogy.TreeNode, bool, error) {
	return s.paged(ctx, qMemberSearch, map[string]any{"q": q, "ql": graph.NormalizeEmail(q)}, offset, limit)
}

// Services implements sales.HoldingsStore.
func (s *Store) Services(ctx context.Context, id string) (*sales.Services, error) {
	if err := s.mustExist(ctx, id); err != nil {
		return nil, err
	}
	res, err := s.read(ctx, qMemberServices, map[string]any{"id": id})
	if err != nil {
		return nil, err
	}
	out := &sales.Services{MemberID: id, Services: []sales.Service{}, Vendors: []sales.VendorLinkView{}}
	r := res.Records[0]
	for _, x := range get[[]any](r, "services") {
		m, ok := x.(map[string]any)
		if !ok {
			continue
		}
		sv := sales.Service{Status: "active"}
		sv.ActivationID, _ = m["activation_id"].(string)
		sv.Vendor, _ = m["vendor"].(string)
		sv.SKU, _ = m["sku"].(string)
		if t, ok := m["activated_at"].(time.Time); ok {
			sv.ActivatedAt = t.UTC()
		}
		if c, _ := m["cancelled"].(bool); c {
			sv.Status = "cancelled"
			if t, ok := m["cancelled_at"].(time.Time); ok {
				t = t.UTC()
				sv.CancelledAt = &t
			}
		}
		out.Services = append(out.Services, sv)
	}
	for _, x := range get[[]any](r, "vendors") {
		m, ok := x.(map[string]any)
		if !ok {
			continue
		}
		v := sales.VendorLinkView{}
		v.Vendor, _ = m["vendor"].(string)
		if t, ok := m["since"].(time.Time); ok {
			t = t.UTC()
			v.Since = &t
		}
		out.Vendors = append(out.Vendors, v)
	}
	return out, nil
}

var qAccessInDownline = cypher.MustQuery("access_in_downline")

// InDownline implements genealogy.AccessStore.
func (s *Store) InDownline(ctx context.Context, viewer, member string) (bool, error) {
	res, err := s.read(ctx, qAccessInDownline, map[string]any{"viewer": viewer, "member": member})
	if err != nil {
		return false, err
	}
	if len(res.Records) == 0 {
		return false, nil
	}
	return get[bool](res.Records[0], "inside"), nil
}

var qPackConfirm = cypher.MustQuery("pack_confirm")

// ConfirmPack implements genealogy.MemberStore.
func (s *Store) ConfirmPack(ctx context.Context, id, actor, reference string, at time.Time) (bool, error) {
	res, err := s.write(ctx, qPackConfirm, map[string]any{"id": id, "actor": actor, "reference": reference, "at": ts(at)})
	if err != nil {
		return false, err
	}
	if len(res.Records) == 0 {
		return false, graph.NotFound("member %s not found", id)
	}
	return get[bool](res.Records[0], "confirmed"), nil
}
