package genealogy

import (
	"context"
	"fmt"
	"time"

	"github.com/halo-oss/halo/graph"
)

// Placement strategies (API.md, Members): where a consultant lands inside its sponsor's
// placement subtree (PLAN.md §2: each parent has at most one child per leg).
const (
	StrategyExplicit     = "explicit"      // {parent_id, leg}
	StrategyExtremeLeft  = "extreme_left"  // the outermost free slot down the left side
	StrategyExtremeRight = "extreme_right" // the outermost free slot down the right side
	StrategyWeakerLeg    = "weaker_leg"    // the sponsor's leg with less lifetime BV (ties: fewer members, then left), its outermost free slot
	StrategyBalanced     = "balanced"      // the first free slot in breadth-first order, left before right
)

// RegistrationCheck is what the rules of a registration need to know of the graph, read in the
// registration's transaction (under the placement lock for consultants).
type RegistrationCheck struct {
	IDTaken, EmailTaken bool
	SponsorExists       bool
	SponsorPlan         string
	SponsorAt           time.Time
	SponsorDepth        int64 // placement depth of the sponsor
	// SponsorTerminatedAt is when the sponsor's termination took effect (PLAN.md §10), if any.
	SponsorTerminatedAt *time.Time
	// The requested parent of an explicit placement.
	ParentExists          bool
	ParentPlan            string
	LeftTaken, RightTaken bool
}

// Children are a placement node's two slots ("" when free).
type Children struct {
	ID, Left, Right string
}

// RegistrationTx is one write transaction of a registration. For a consultant it holds the
// placement lock from its first statement, so the slot decided on what it reads is still free
// when Create writes it: two registrations never take one slot.
type RegistrationTx interface {
	Check(ctx context.Context, r Registration) (*RegistrationCheck, error)
	// Inside reports whether parent is the sponsor or below it in the placement tree.
	Inside(ctx context.Context, parent, sponsor string, sponsorDepth int64) (bool, error)
	// ExtremeEnd is the member at the outer end of the side ("left" or "right") below from:
	// its slot on that side is free.
	ExtremeEnd(ctx context.Context, from, side string) (string, error)
	// LegBV is a member's lifetime leg volume as of the last committed run, in hundredths.
	LegBV(ctx context.Context, id string) (left, right int64, err error)
	LegCounts(ctx context.Context, id string) (*LegCounts, error)
	// RegisteredAt is when a member registered.
	RegisteredAt(ctx context.Context, id string) (time.Time, error)
	// NextLevel returns the slots of each of ids, in the order given.
	NextLevel(ctx context.Context, ids []string) ([]Children, error)
	// Create writes the member (placed as r says), its sponsor link and its pack purchase.
	Create(ctx context.Context, r Registration) (*Member, error)
}

// registerIn runs the rules that depend on the graph and places a consultant, inside tx.
func registerIn(ctx context.Context, tx RegistrationTx, r Registration) (*Member, error) {
	chk, err := tx.Check(ctx, r)
	if err != nil {
		return nil, err
	}
	var details []graph.Detail
	if chk.IDTaken {
		details = append(details, graph.Detail{Field: "id", Message: "is already registered"})
	}
	if chk.EmailTaken {
		details = append(details, graph.Detail{Field: "email", Message: "is already registered"})
	}
	switch {
	case !chk.SponsorExists:
		details = append(details, graph.Detail{Field: "sponsor_id", Message: fmt.Sprintf("member %s does not exist", r.SponsorID)})
	case chk.SponsorPlan == "customer":
		details = append(details, graph.Detail{Field: "sponsor_id", Message: fmt.Sprintf("%s is a customer; a sponsor must be a consultant", r.SponsorID)})
	case !chk.SponsorAt.IsZero() && r.RegisteredAt.Before(chk.SponsorAt):
		details = append(details, graph.Detail{Field: "registered_at", Message: "must not be before the sponsor's registration"})
	case chk.SponsorTerminatedAt != nil && !chk.SponsorTerminatedAt.After(r.RegisteredAt):
		// §10: nobody joins under a sponsor already terminated at its registered_at; a member
		// registered earlier and reported late is accepted and rolled up.
		return nil, graph.Conflict("sponsor %s was terminated from %s; a member registered then or later needs another sponsor",
			r.SponsorID, chk.SponsorTerminatedAt.UTC().Format(time.RFC3339))
	}
	if len(details) > 0 {
		return nil, graph.InvalidDetails(details)
	}
	if r.Strategy != "" {
		if r.ParentID, r.Leg, err = place(ctx, tx, r, chk); err != nil {
			return nil, err
		}
		// PLAN.md §2: a run places a member under its parent only if the parent exists then too.
		if r.ParentID != r.SponsorID {
			at, err := tx.RegisteredAt(ctx, r.ParentID)
			if err != nil {
				return nil, err
			}
			if r.RegisteredAt.Before(at) {
				return nil, graph.InvalidField("registered_at", "must not be before the registration of its placement parent %s (%s)", r.ParentID, at.UTC().Format(time.RFC3339))
			}
		}
		if r.Strategy != StrategyExplicit && r.Strategy != StrategyBalanced {
			r.Spine = r.Leg
		}
	}
	return tx.Create(ctx, r)
}

// place decides the parent and leg of a consultant (PLAN.md §2; API.md, placement strategies).
func place(ctx context.Context, tx RegistrationTx, r Registration, chk *RegistrationCheck) (string, string, error) {
	switch r.Strategy {
	case StrategyExplicit:
		return placeExplicit(ctx, tx, r, chk)
	case StrategyExtremeLeft:
		return extremeSlot(ctx, tx, r.SponsorID, "left")
	case StrategyExtremeRight:
		return extremeSlot(ctx, tx, r.SponsorID, "right")
	case StrategyWeakerLeg:
		side, err := weakerLeg(ctx, tx, r.SponsorID)
		if err != nil {
			return "", "", err
		}
		return extremeSlot(ctx, tx, r.SponsorID, side)
	case StrategyBalanced:
		return balancedSlot(ctx, tx, r.SponsorID)
	}
	return "", "", graph.InvalidField("placement.strategy", "unknown strategy %q", r.Strategy)
}

// placeExplicit checks a requested slot: it exists, is a consultant's, is free, and lies in the
// sponsor's placement subtree.
func placeExplicit(ctx context.Context, tx RegistrationTx, r Registration, chk *RegistrationCheck) (string, string, error) {
	switch {
	case !chk.ParentExists:
		return "", "", graph.InvalidField("placement.parent_id", "member %s does not exist", r.ParentID)
	case chk.ParentPlan == "customer":
		return "", "", graph.InvalidField("placement.parent_id", "%s is a customer; customers are not placed", r.ParentID)
	case (r.Leg == "left" && chk.LeftTaken) || (r.Leg == "right" && chk.RightTaken):
		return "", "", graph.InvalidField("placement.leg", "the %s slot of %s is taken", r.Leg, r.ParentID)
	}
	if r.ParentID != r.SponsorID {
		inside, err := tx.Inside(ctx, r.ParentID, r.SponsorID, chk.SponsorDepth)
		if err != nil {
			return "", "", err
		}
		if !inside {
			return "", "", graph.InvalidField("placement.parent_id", "%s is not the sponsor %s nor in its placement subtree", r.ParentID, r.SponsorID)
		}
	}
	return r.ParentID, r.Leg, nil
}

// weakerLeg is the sponsor's leg with less lifetime BV; on a tie the leg with fewer members,
// then the left.
func weakerLeg(ctx context.Context, tx RegistrationTx, sponsor string) (string, error) {
	l, rt, err := tx.LegBV(ctx, sponsor)
	if err != nil {
		return "", err
	}
	switch {
	case rt < l:
		return "right", nil
	case rt > l:
		return "left", nil
	}
	c, err := tx.LegCounts(ctx, sponsor)
	if err != nil {
		return "", err
	}
	if c.Right < c.Left {
		return "right", nil
	}
	return "left", nil
}

func extremeSlot(ctx context.Context, tx RegistrationTx, from, side string) (string, string, error) {
	end, err := tx.ExtremeEnd(ctx, from, side)
	if err != nil {
		return "", "", err
	}
	if end == "" {
		return "", "", graph.Internal(fmt.Errorf("no %s spine under %s", side, from))
	}
	return end, side, nil
}

// balancedSlot is the first free slot breadth-first below the sponsor, left before right.
func balancedSlot(ctx context.Context, tx RegistrationTx, sponsor string) (string, string, error) {
	level := []string{sponsor}
	for len(level) > 0 {
		nodes, err := tx.NextLevel(ctx, level)
		if err != nil {
			return "", "", err
		}
		next := make([]string, 0, 2*len(nodes))
		for _, n := range nodes {
			if n.Left == "" {
				return n.ID, "left", nil
			}
			if n.Right == "" {
				return n.ID, "right", nil
			}
			next = append(next, n.Left, n.Right)
		}
		level = next
	}
	return "", "", graph.Internal(fmt.Errorf("balanced placement found no free slot under %s", sponsor))
}
