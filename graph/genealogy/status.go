package genealogy

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/halo-oss/halo/engine"
	"github.com/halo-oss/halo/graph"
)

// StatusRequest suspends, reinstates ("active") or terminates a consultant from At (PLAN.md §10).
type StatusRequest struct {
	Status string     `json:"status" example:"suspended" enums:"suspended,active,terminated"`
	At     *time.Time `json:"at,omitempty"` // default now
	Reason string     `json:"reason,omitempty" example:"compliance review"`
}

// StatusChange is one recorded status event. Seq is its place in the member's history: between
// changes dated the same, the one recorded last decides.
type StatusChange struct {
	MemberID   string    `json:"member_id"`
	Status     string    `json:"status"`
	At         time.Time `json:"at"`
	Reason     string    `json:"reason,omitempty"`
	RecordedAt time.Time `json:"recorded_at"`
	Seq        int64     `json:"seq"`
}

// StatusHistory is what a status decision depends on: the member, its changes in recording
// order, and the time of its latest upgrade (a termination cannot be dated before it).
type StatusHistory struct {
	Member      *Member
	Changes     []StatusChange
	LastUpgrade *time.Time
}

// MemberStatus is the answer to a status change: the member with its status now and its history.
type MemberStatus struct {
	Member
	Status  string         `json:"status" example:"suspended"`
	History []StatusChange `json:"history"`
}

// StatusStore is what status changes need from storage. RecordStatus writes c only if the
// member's history still has c.Seq-1 changes (compare-and-set under the member's write lock), so
// two racing changes cannot both be decided on the same history: the loser gets Conflict.
type StatusStore interface {
	StatusHistory(ctx context.Context, id string) (*StatusHistory, error)
	RecordStatus(ctx context.Context, c StatusChange) error
}

// StatusAt is §10's status of a member for a run ending at end (or now), by the engine's rule.
func StatusAt(changes []StatusChange, end time.Time) string {
	events := make([]engine.StatusEvent, 0, len(changes))
	for _, c := range changes {
		st, _ := engine.ParseStatus(c.Status)
		events = append(events, engine.StatusEvent{Member: c.MemberID, Status: st, At: c.At, Seq: c.Seq})
	}
	st, _ := engine.StatusAt(events, end)
	return st.String()
}

// StatusNow is a member's status as it stands at now: a change dated now already counts.
func StatusNow(changes []StatusChange, now time.Time) string {
	return StatusAt(changes, now.UTC().Add(time.Nanosecond))
}

// SetStatus records a status change (PLAN.md §10). Termination is final: after it every status
// change is refused whatever its date; the root and customers have no status; a termination
// cannot be dated before an upgrade already recorded.
func (s *MemberService) SetStatus(ctx context.Context, id string, req StatusRequest) (*MemberStatus, error) {
	now := s.Now().UTC()
	st, ok := engine.ParseStatus(strings.TrimSpace(req.Status))
	if !ok {
		return nil, graph.InvalidField("status", "must be suspended, active or terminated")
	}
	at := now
	if req.At != nil {
		at = req.At.UTC()
	}
	if err := checkReason(req.Reason); err != nil {
		return nil, err
	}
	h, err := s.statusHistory(ctx, id)
	if err != nil {
		return nil, err
	}
	m := h.Member
	switch {
	case m.ID == s.RootID || m.SponsorID == "":
		return nil, graph.Conflict("%s is the root of the network; the root can be neither suspended nor terminated", id)
	case m.Plan == engine.PlanCustomer.String():
		return nil, graph.Conflict("%s is a customer; customers have no status of their own", id)
	case at.Before(m.RegisteredAt):
		return nil, graph.InvalidField("at", "must not be before %s registered (%s)", id, m.RegisteredAt.Format(time.RFC3339))
	}
	for _, c := range h.Changes {
		if c.Status == "terminated" {
			return nil, graph.Conflict("%s was terminated from %s; termination is final", id, c.At.Format(time.RFC3339))
		}
	}
	if st == engine.StatusTerminated && h.LastUpgrade != nil && at.Before(*h.LastUpgrade) {
		return nil, graph.Conflict("%s upgraded at %s; a termination cannot be dated before it", id, h.LastUpgrade.Format(time.RFC3339))
	}
	c := StatusChange{MemberID: id, Status: st.String(), At: at, Reason: strings.TrimSpace(req.Reason), RecordedAt: now, Seq: int64(len(h.Changes)) + 1}
	before := StatusAt(h.Changes, now.Add(time.Nanosecond))
	if err := s.StatusStore.RecordStatus(ctx, c); err != nil {
		return nil, err
	}
	if s.AfterChange != nil {
		s.AfterChange(st == engine.StatusTerminated)
	}
	history := append(slices.Clone(h.Changes), c)
	out := &MemberStatus{Member: *m, Status: StatusAt(history, now.Add(time.Nanosecond)), History: history}
	s.Audit.Record(ctx, "member.status", "member", id, map[string]string{"status": before},
		map[string]any{"status": out.Status, "change": st.String(), "at": at, "reason": c.Reason})
	return out, nil
}

// Status is a member's status now and its history of changes, in recording order.
func (s *MemberService) Status(ctx context.Context, id string) (*MemberStatus, error) {
	h, err := s.statusHistory(ctx, id)
	if err != nil {
		return nil, err
	}
	out := &MemberStatus{Member: *h.Member, Status: StatusNow(h.Changes, s.Now()), History: h.Changes}
	if out.History == nil {
		out.History = []StatusChange{}
	}
	return out, nil
}

// RollUpPreview is what a termination of a consultant would do (PLAN.md §10): the members it
// personally sponsored (consultants and customers) would have RollsUpTo as their sponsor in
// every run ending after the termination — the next sponsor above it that is not terminated.
// The placement tree and the recorded sponsor (the original enroller) never change.
type RollUpPreview struct {
	MemberID  string     `json:"member_id"`
	Status    string     `json:"status"`
	RollsUpTo *TreeNode  `json:"rolls_up_to"`
	Members   []TreeNode `json:"members"`
	Total     int64      `json:"total_members"`
	Next      string     `json:"next_cursor,omitempty"`
}

// RollUp previews a termination's roll-up, a page of the members it would move at a time.
func (s *MemberService) RollUp(ctx context.Context, id, cursor string, limit int) (*RollUpPreview, error) {
	h, err := s.statusHistory(ctx, id)
	if err != nil {
		return nil, err
	}
	m := h.Member
	if m.SponsorID == "" || m.Plan == engine.PlanCustomer.String() {
		return nil, graph.Conflict("%s cannot be terminated (the root and customers have no status); nothing would roll up", id)
	}
	out := &RollUpPreview{MemberID: id, Status: StatusAt(h.Changes, s.Now().UTC().Add(time.Nanosecond)), Members: []TreeNode{}}
	// The next sponsor up that is not terminated. Chains of terminated sponsors are short; the
	// bound only guards against a corrupt cycle.
	up := m.SponsorID
	for i := 0; up != "" && i < 10_000; i++ {
		uh, err := s.StatusStore.StatusHistory(ctx, up)
		if err != nil {
			return nil, err
		}
		if !slices.ContainsFunc(uh.Changes, func(c StatusChange) bool { return c.Status == "terminated" }) {
			u := uh.Member
			out.RollsUpTo = &TreeNode{ID: u.ID, Name: u.Name, Plan: u.Plan, Rank: u.Rank, SponsorID: u.SponsorID, ParentID: u.ParentID, Leg: u.Leg}
			break
		}
		up = uh.Member.SponsorID
	}
	gens, err := s.Store.Generations(ctx, id, 1)
	if err != nil {
		return nil, err
	}
	if len(gens) > 0 {
		out.Total = gens[0].Members
	}
	page, err := s.GenerationMembers(ctx, id, 1, cursor, limit)
	if err != nil {
		return nil, err
	}
	if page.Items != nil {
		out.Members = page.Items
	}
	out.Next = page.NextCursor
	return out, nil
}

func (s *MemberService) statusHistory(ctx context.Context, id string) (*StatusHistory, error) {
	if !graph.ValidID(id) {
		return nil, graph.NotFound("member %s not found", id)
	}
	return s.StatusStore.StatusHistory(ctx, id)
}

// checkReason bounds the free text an admin gives for a status change or a refund.
func checkReason(reason string) error {
	if len(reason) > 500 {
		return graph.InvalidField("reason", "must be at most 500 characters")
	}
	return nil
}
