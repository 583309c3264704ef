package store

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/halo-oss/halo/cypher"
	"github.com/halo-oss/halo/graph"
	"github.com/halo-oss/halo/graph/genealogy"
)

var (
	qAccessInDownline    = cypher.MustQuery("genealogy/access_in_downline")
	qBinaryTree          = cypher.MustQuery("genealogy/binary_tree")
	qExtreme             = map[string]string{"left": cypher.MustQuery("genealogy/placement_extreme_left"), "right": cypher.MustQuery("genealogy/placement_extreme_right")}
	qGenerationMembers   = cypher.MustQuery("genealogy/generation_members")
	qGenerations         = cypher.MustQuery("genealogy/generations")
	qLegCountStep        = cypher.MustQuery("genealogy/leg_count_step")
	qLegCountsGet        = cypher.MustQuery("genealogy/leg_counts_get")
	qLegsAdded           = cypher.MustQuery("genealogy/legs_added")
	qLegsChain           = cypher.MustQuery("genealogy/legs_chain")
	qLegsChainShort      = cypher.MustQuery("genealogy/legs_chain_short")
	qLegsCountedSet      = cypher.MustQuery("genealogy/legs_counted_set")
	qLegsIncrement       = cypher.MustQuery("genealogy/legs_increment")
	qLegsLock            = cypher.MustQuery("genealogy/legs_lock")
	qLegsPending         = cypher.MustQuery("genealogy/legs_pending")
	qLegsPlacements      = cypher.MustQuery("genealogy/legs_recount_placements")
	qLegsState           = cypher.MustQuery("genealogy/legs_state")
	qLegsWrite           = cypher.MustQuery("genealogy/legs_recount_write")
	qLegRoots            = cypher.MustQuery("genealogy/leg_roots")
	qMemberCreate        = cypher.MustQuery("genealogy/member_create")
	qMemberGet           = cypher.MustQuery("genealogy/member_get")
	qMemberSearch        = cypher.MustQuery("genealogy/member_search")
	qContacts            = cypher.MustQuery("genealogy/contacts")
	qMemberUpgrade       = cypher.MustQuery("genealogy/member_upgrade")
	qPackConfirm         = cypher.MustQuery("genealogy/pack_confirm")
	qPlacementChildren   = cypher.MustQuery("genealogy/placement_children")
	qPlacementDescendant = cypher.MustQuery("genealogy/placement_is_descendant")
	qPlacementLegsBV     = cypher.MustQuery("genealogy/placement_legs_bv")
	qRegisterCheck       = cypher.MustQuery("genealogy/member_register_check")
	qUplinePlacement     = cypher.MustQuery("genealogy/upline_placement")
	qUplineSponsor       = cypher.MustQuery("genealogy/upline_sponsor")
)

// Register implements genealogy.MemberStore: decide runs in one write transaction, which takes
// the placement lock first for a consultant (member_register_check does, in its first clause).
func (s *Store) Register(ctx context.Context, placed bool, decide func(genealogy.RegistrationTx) (*genealogy.Member, error)) (*genealogy.Member, error) {
	sess := s.session(ctx, true)
	defer sess.Close(ctx)
	res, err := sess.ExecuteWrite(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
		return decide(&registrationTx{ctx: ctx, tx: tx, lock: placed})
	}, accepting)
	if err != nil {
		return nil, s.mapErr(err)
	}
	return res.(*genealogy.Member), nil
}

// registrationTx answers the placement questions inside the registration's transaction.
type registrationTx struct {
	ctx  context.Context
	tx   neo4j.ManagedTransaction
	lock bool
}

func (t *registrationTx) one(q string, params map[string]any) (*neo4j.Record, error) {
	return txOne(t.ctx, t.tx, q, params)
}

func (t *registrationTx) Check(_ context.Context, r genealogy.Registration) (*genealogy.RegistrationCheck, error) {
	var parent any
	if r.Strategy == genealogy.StrategyExplicit {
		parent = r.ParentID
	}
	rec, err := t.one(qRegisterCheck, map[string]any{"sponsor": r.SponsorID, "id": r.ID, "email": r.Email, "lock": t.lock, "parent": parent})
	if err != nil {
		return nil, err
	}
	var terminated *time.Time
	if v, ok := rec.Get("sponsor_terminated_at"); ok && v != nil {
		at := v.(time.Time).UTC()
		terminated = &at
	}
	return &genealogy.RegistrationCheck{SponsorTerminatedAt: terminated, IDTaken: get[bool](rec, "id_taken"), EmailTaken: get[bool](rec, "email_taken"),
		SponsorExists: get[bool](rec, "sponsor_exists"), SponsorPlan: get[string](rec, "sponsor_plan"), SponsorAt: get[time.Time](rec, "sponsor_at"),
		SponsorDepth: get[int64](rec, "sponsor_depth"), ParentExists: get[bool](rec, "parent_exists"), ParentPlan: get[string](rec, "parent_plan"),
		LeftTaken: get[bool](rec, "left_taken"), RightTaken: get[bool](rec, "right_taken")}, nil
}

func (t *registrationTx) Inside(_ context.Context, parent, sponsor string, sponsorDepth int64) (bool, error) {
	rec, err := t.one(qPlacementDescendant, map[string]any{"parent": parent, "sponsor": sponsor, "sponsor_depth": sponsorDepth})
	return get[bool](rec, "inside"), err
}

func (t *registrationTx) ExtremeEnd(_ context.Context, from, side string) (string, error) {
	rec, err := t.one(qExtreme[side], map[string]any{"from": from})
	return get[string](rec, "parent"), err
}

func (t *registrationTx) LegBV(_ context.Context, id string) (int64, int64, error) {
	rec, err := t.one(qPlacementLegsBV, map[string]any{"sponsor": id})
	return get[int64](rec, "left_bv"), get[int64](rec, "right_bv"), err
}

func (t *registrationTx) RegisteredAt(_ context.Context, id string) (time.Time, error) {
	rec, err := t.one(qMemberGet, map[string]any{"id": id})
	if err == nil && rec == nil {
		err = graph.NotFound("member %s not found", id)
	}
	return get[time.Time](rec, "registered_at").UTC(), err
}

// LegCounts decides a weaker-leg tie (PLAN.md §2 placement), so it must be exact: the kept
// counts when no placement is pending anywhere, a walk otherwise.
func (t *registrationTx) LegCounts(ctx context.Context, id string) (*genealogy.LegCounts, error) {
	rec, err := t.one(qLegCountsGet, map[string]any{"id": id})
	if err != nil {
		return nil, err
	}
	if c, ok := keptLegs(rec, id); ok && c.Pending == 0 {
		return c, nil
	}
	return legCounts(ctx, txRunner(ctx, t.tx), id)
}

func (t *registrationTx) NextLevel(ctx context.Context, ids []string) ([]genealogy.Children, error) {
	res, err := t.tx.Run(ctx, qPlacementChildren, map[string]any{"ids": ids})
	if err != nil {
		return nil, err
	}
	recs, err := res.Collect(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]genealogy.Children, len(recs))
	for i, rec := range recs {
		out[i] = genealogy.Children{ID: get[string](rec, "id"), Left: get[string](rec, "left"), Right: get[string](rec, "right")}
	}
	return out, nil
}

func (t *registrationTx) Create(_ context.Context, r genealogy.Registration) (*genealogy.Member, error) {
	var hash, parent, leg, spine any
	if r.PasswordHash != "" {
		hash = r.PasswordHash
	}
	if r.ParentID != "" {
		parent, leg = r.ParentID, r.Leg
	}
	if r.Spine != "" {
		spine = r.Spine
	}
	rec, err := t.one(qMemberCreate, map[string]any{
		"id": r.ID, "name": r.Name, "email": r.Email, "plan": r.Plan, "sponsor": r.SponsorID,
		"registered_at": r.RegisteredAt.Format(time.RFC3339Nano),
		"password_hash": hash, "parent": parent, "leg": leg, "hint": spine,
		"price_cents": int64(r.Pack.Price), "bv_cents": int64(r.Pack.BV), "pending": r.PendingPack,
	})
	if err != nil {
		return nil, err
	}
	return memberOf(rec), nil
}

func memberOf(r *neo4j.Record) *genealogy.Member {
	return &genealogy.Member{ID: get[string](r, "id"), Name: get[string](r, "name"), Email: get[string](r, "email"), Plan: get[string](r, "plan"),
		SponsorID: get[string](r, "sponsor_id"), ParentID: get[string](r, "parent_id"), Leg: get[string](r, "leg"), Rank: get[string](r, "rank"),
		Depth: get[int64](r, "depth"), RegisteredAt: get[time.Time](r, "registered_at").UTC(), Imported: get[bool](r, "imported"), PackPending: get[bool](r, "pack_pending")}
}

// Member implements genealogy.MemberStore.
func (s *Store) Member(ctx context.Context, id string) (*genealogy.Member, error) {
	rec, err := readOne(ctx, s, qMemberGet, map[string]any{"id": id}, graph.NotFound("member %s not found", id))
	if err != nil {
		return nil, err
	}
	return memberOf(rec), nil
}

// Upgrade implements genealogy.MemberStore.
func (s *Store) Upgrade(ctx context.Context, u genealogy.Upgrade) (*genealogy.Member, error) {
	res, err := s.underPlanLock(ctx, u.MemberID, qMemberUpgrade, map[string]any{
		"id": u.MemberID, "from": u.FromPlan.String(), "to": u.ToPlan.String(), "sale_id": u.SaleID,
		"price_cents": int64(u.Price), "bv_cents": int64(u.BV),
		"occurred_at": u.OccurredAt.Format(time.RFC3339Nano),
	})
	if err != nil {
		return nil, err
	}
	if len(res) == 0 {
		return nil, graph.NotFound("member %s not found", u.MemberID)
	}
	if get[bool](res[0], "taken") {
		return nil, graph.Conflict("sale id %s is already used; choose another id for the upgrade", u.SaleID)
	}
	if get[int64](res[0], "n") == 0 {
		return nil, graph.Conflict("member %s changed plan meanwhile; try again", u.MemberID)
	}
	return s.Member(ctx, u.MemberID)
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

// LegCounts implements genealogy.MemberStore: the counts kept for the member, with how many
// placements are still to be added to them; on a graph not yet recounted, a walk.
func (s *Store) LegCounts(ctx context.Context, id string) (*genealogy.LegCounts, error) {
	rec, err := readOne(ctx, s, qLegCountsGet, map[string]any{"id": id}, graph.NotFound("member %s not found", id))
	if err != nil {
		return nil, err
	}
	if c, ok := keptLegs(rec, id); ok {
		return c, nil
	}
	return legCounts(ctx, func(q string, p map[string]any) ([]*neo4j.Record, error) {
		res, err := s.read(ctx, q, p)
		if err != nil {
			return nil, err
		}
		return res.Records, nil
	}, id)
}

func keptLegs(rec *neo4j.Record, id string) (*genealogy.LegCounts, bool) {
	l, lok := rec.AsMap()["left"].(int64)
	r, rok := rec.AsMap()["right"].(int64)
	switch {
	case !get[bool](rec, "consultant"):
		return &genealogy.LegCounts{MemberID: id}, true
	case lok && rok && get[bool](rec, "counted"):
		return &genealogy.LegCounts{MemberID: id, Left: l, Right: r, Pending: get[int64](rec, "pending")}, true
	}
	return nil, false
}

// legsLock takes the leg counts' lock (claiming it for a recount when claim is set).
func legsLock(run runner, claim any) (counted bool, recount string, importing bool, err error) {
	recs, err := run(qLegsLock, map[string]any{"claim": claim})
	if err != nil || len(recs) == 0 {
		return false, "", false, err
	}
	return get[bool](recs[0], "counted"), get[string](recs[0], "recount"), get[bool](recs[0], "importing"), nil
}

// RecountLegs implements genealogy.LegCountStore in three steps, so no transaction holds a
// million changes: (1) under the placement lock, claim the recount and read every placement;
// (2) write the counts in batches, each under the legs lock and only while the claim is still
// this recount's; (3) mark the counts whole. Placements made after (1) still carry what they
// add, so the adding pass counts them once the mark is set. An import being written defers the
// recount (its members are counted when it completes).
func (s *Store) RecountLegs(ctx context.Context, count func([]genealogy.PlacementLink) map[string][2]int64) (int, error) {
	if rec, err := readOne(ctx, s, qLegsState, nil, nil); err != nil || get[bool](rec, "counted") {
		return 0, err
	}
	var tb [8]byte
	_, _ = rand.Read(tb[:])
	claim := hex.EncodeToString(tb[:])
	sess := s.session(ctx, true)
	defer sess.Close(ctx)
	var links []genealogy.PlacementLink
	if _, err := sess.ExecuteWrite(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
		links = links[:0]
		run := txRunner(ctx, tx)
		if _, err := run(qPlacementLock, nil); err != nil {
			return nil, err
		}
		counted, _, importing, err := legsLock(run, claim)
		if err != nil || counted || importing {
			return nil, err
		}
		res, err := tx.Run(ctx, qLegsPlacements, nil)
		if err != nil {
			return nil, err
		}
		for res.Next(ctx) {
			r := res.Record()
			links = append(links, genealogy.PlacementLink{ID: get[string](r, "id"), Parent: get[string](r, "parent"), Leg: get[string](r, "leg"), Depth: get[int64](r, "depth")})
		}
		return nil, res.Err()
	}); err != nil || len(links) == 0 {
		return 0, s.mapErr(err)
	}
	sizes := count(links)
	links = nil
	ours := func(run runner) (bool, error) {
		counted, recount, _, err := legsLock(run, nil)
		return err == nil && !counted && recount == claim, err
	}
	lost := false
	// guarded runs q in a transaction of its own while the claim is still this recount's.
	guarded := func(q string, params map[string]any) error {
		if lost {
			return nil
		}
		_, err := sess.ExecuteWrite(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
			run := txRunner(ctx, tx)
			ok, err := ours(run)
			if err != nil || !ok {
				lost = true
				return nil, err
			}
			_, err = run(q, params)
			return nil, err
		})
		return s.mapErr(err)
	}
	if err := legRows(sizes, func(rows []map[string]any) error {
		return guarded(qLegsWrite, map[string]any{"rows": rows})
	}); err != nil {
		return 0, err
	}
	if err := guarded(qLegsCountedSet, nil); err != nil || lost {
		return 0, err // lost: another recount took over, and it writes everything itself
	}
	return len(sizes), nil
}

// AddPending implements genealogy.LegCountStore in one transaction under the legs lock: read
// up to limit pending placements, walk their chains upwards together, each only until it meets
// one already walked in this pass, add every placement to each ancestor's leg, clear them.
func (s *Store) AddPending(ctx context.Context, limit int) (int, int, error) {
	if rec, err := readOne(ctx, s, qLegsState, nil, nil); err != nil || !get[bool](rec, "counted") || !get[bool](rec, "pending") {
		return 0, 0, err
	}
	sess := s.session(ctx, true)
	defer sess.Close(ctx)
	var placed, wrote int
	_, err := sess.ExecuteWrite(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
		placed, wrote = 0, 0
		run := txRunner(ctx, tx)
		if counted, _, _, err := legsLock(run, nil); err != nil || !counted {
			return nil, err
		}
		pending, err := run(qLegsPending, map[string]any{"limit": limit})
		if err != nil || len(pending) == 0 {
			return nil, err
		}
		edges := map[string]genealogy.Step{} // each walked node's step up
		flow := map[string]int64{}           // members each pending placement adds
		var ids []any
		var frontier []string
		for _, p := range pending {
			id := get[string](p, "id")
			ids = append(ids, id)
			flow[id] += get[int64](p, "add")
			frontier = append(frontier, id)
		}
		// All chains are walked together, a step per round trip; a chain ends where it meets one
		// walked before (its ancestors are on that one's way up) or at the root.
		for q := qLegsChainShort; len(frontier) > 0; q = qLegsChain {
			recs, err := run(q, map[string]any{"ids": frontier})
			if err != nil {
				return nil, err
			}
			if len(recs) != len(frontier) {
				return nil, graph.Internal(fmt.Errorf("%d of %d placements have no chain to the root", len(frontier)-len(recs), len(frontier)))
			}
			next := map[string]bool{}
			for _, r := range recs {
				chain, legs, d := get[[]any](r, "ids"), get[[]any](r, "legs"), get[int64](r, "depth")
				met := false
				for i := range legs {
					child := chain[i].(string)
					if _, seen := edges[child]; seen {
						met = true
						break
					}
					edges[child] = genealogy.Step{ID: child, Parent: chain[i+1].(string), Right: legs[i] == "RIGHT", Depth: d - int64(i)}
				}
				if top := chain[len(chain)-1].(string); !met && d-int64(len(legs)) > 0 {
					next[top] = true
				}
			}
			frontier = frontier[:0]
			for id := range next {
				if _, seen := edges[id]; !seen {
					frontier = append(frontier, id)
				}
			}
		}
		steps := make([]genealogy.Step, 0, len(edges))
		for _, st := range edges {
			steps = append(steps, st)
		}
		inc := genealogy.RollUp(steps, flow)
		if err := legRows(inc, func(rows []map[string]any) error {
			_, err := run(qLegsIncrement, map[string]any{"rows": rows})
			return err
		}); err != nil {
			return nil, err
		}
		if _, err := run(qLegsAdded, map[string]any{"ids": ids}); err != nil {
			return nil, err
		}
		placed, wrote = len(ids), len(inc)
		return nil, nil
	})
	return placed, wrote, s.mapErr(err)
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

// Find implements genealogy.MemberStore.
func (s *Store) Find(ctx context.Context, f genealogy.MemberFilter, offset, limit int) ([]genealogy.TreeNode, bool, error) {
	params := map[string]any{"q": nil, "ql": nil, "plan": orNil(f.Plan), "rank": orNil(f.Rank),
		"status": orNil(f.Status), "pending": nil, "within": orNil(f.Within), "now": ts(time.Now()), "offset": offset}
	if f.Q != "" {
		params["q"], params["ql"] = f.Q, graph.NormalizeEmail(f.Q)
	}
	if f.Pending != nil {
		params["pending"] = *f.Pending
	}
	return readPage(ctx, s, qMemberSearch, params, limit, func(r *neo4j.Record) genealogy.TreeNode {
		n := treeNodeOf(r)
		n.Email, n.Status, n.PackPending = get[string](r, "email"), get[string](r, "status"), get[bool](r, "pack_pending")
		n.RegisteredAt = props(r.AsMap()).atPtr("registered_at")
		return n
	})
}

// Contacts implements genealogy.MemberStore.
func (s *Store) Contacts(ctx context.Context, id string) (*genealogy.Contacts, error) {
	rec, err := readOne(ctx, s, qContacts, map[string]any{"id": id}, graph.NotFound("member %s not found", id))
	if err != nil {
		return nil, err
	}
	out := &genealogy.Contacts{MemberID: id, Leg: get[string](rec, "leg")}
	if sid := get[string](rec, "sponsor_id"); sid != "" {
		out.Sponsor = &genealogy.Contact{ID: sid, Name: get[string](rec, "sponsor_name"), Email: get[string](rec, "sponsor_email")}
	}
	if pid := get[string](rec, "parent_id"); pid != "" {
		out.Parent = &genealogy.Contact{ID: pid, Name: get[string](rec, "parent_name"), Email: get[string](rec, "parent_email")}
	}
	return out, nil
}

// LegEnd implements genealogy.MemberStore with the placement strategies' own walk.
func (s *Store) LegEnd(ctx context.Context, id, leg string) (string, error) {
	if err := s.mustExist(ctx, id); err != nil {
		return "", err
	}
	rec, err := readOne(ctx, s, qExtreme[leg], map[string]any{"from": id}, graph.NotFound("member %s not found", id))
	if err != nil {
		return "", err
	}
	return get[string](rec, "parent"), nil
}

// InDownline implements genealogy.AccessStore.
func (s *Store) InDownline(ctx context.Context, viewer, member string) (bool, error) {
	rec, err := readOne(ctx, s, qAccessInDownline, map[string]any{"viewer": viewer, "member": member}, nil)
	if err != nil {
		return false, err
	}
	if rec == nil {
		return false, nil
	}
	return get[bool](rec, "inside"), nil
}

var qMemberPlanLock = cypher.MustQuery("genealogy/member_plan_lock")

// underPlanLock runs q in a transaction that first takes the member's write lock in a statement
// of its own, so q's reads of the member's plan see every plan change committed before it.
func (s *Store) underPlanLock(ctx context.Context, member, q string, params map[string]any) ([]*neo4j.Record, error) {
	sess := s.session(ctx, true)
	defer sess.Close(ctx)
	out, err := sess.ExecuteWrite(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
		if _, err := txOne(ctx, tx, qMemberPlanLock, map[string]any{"id": member}); err != nil {
			return nil, err
		}
		res, err := tx.Run(ctx, q, params)
		if err != nil {
			return nil, err
		}
		return res.Collect(ctx)
	}, accepting)
	if err != nil {
		return nil, s.mapErr(err)
	}
	return out.([]*neo4j.Record), nil
}

// ConfirmPack implements genealogy.MemberStore.
func (s *Store) ConfirmPack(ctx context.Context, id, actor, reference string, at time.Time) (bool, error) {
	res, err := s.writeAccepting(ctx, qPackConfirm, map[string]any{"id": id, "actor": actor, "reference": reference, "at": ts(at)})
	if err != nil {
		return false, err
	}
	if len(res.Records) == 0 {
		return false, graph.NotFound("member %s not found", id)
	}
	return get[bool](res.Records[0], "confirmed"), nil
}

// legRows hands leg counts per member to write as rows {id, l, r}, 10,000 at a time.
func legRows(counts map[string][2]int64, write func([]map[string]any) error) error {
	ids := make([]string, 0, len(counts))
	for id := range counts {
		ids = append(ids, id)
	}
	return chunks(ids, 10000, func(part []string) error {
		rows := make([]map[string]any, len(part))
		for i, id := range part {
			rows[i] = map[string]any{"id": id, "l": counts[id][0], "r": counts[id][1]}
		}
		return write(rows)
	})
}
