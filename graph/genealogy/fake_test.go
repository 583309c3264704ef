package genealogy

import (
	"context"
	"sync"
	"time"

	"github.com/halo-oss/halo/graph"
)

// memNet is an in-memory genealogy with the store's transaction semantics for registrations
// (one at a time; nothing written when decide fails). Methods the tests do not use are left to
// the embedded (nil) interface.
type memNet struct {
	MemberStore
	mu      sync.Mutex
	nodes   map[string]*memNode
	emails  map[string]bool
	pending map[string]bool // self-registered packs awaiting payment
	created []Registration  // as Create received them
	upgrade []Upgrade
}

type memNode struct {
	m           Member
	left, right string
	ltBV, rtBV  int64 // lifetime leg volume as of the last committed run
}

func newMemNet(rootAt time.Time) *memNet {
	n := &memNet{nodes: map[string]*memNode{}, emails: map[string]bool{}, pending: map[string]bool{}}
	n.nodes["root"] = &memNode{m: Member{ID: "root", Name: "Company", Email: "root@example.com", Plan: "consultant_plus", Rank: "none", RegisteredAt: rootAt}}
	n.emails["root@example.com"] = true
	return n
}

func (n *memNet) Register(ctx context.Context, placed bool, decide func(RegistrationTx) (*Member, error)) (*Member, error) {
	n.mu.Lock()
	defer n.mu.Unlock()
	tx := &memRegTx{n: n}
	m, err := decide(tx)
	if err != nil {
		return nil, err
	}
	tx.commit()
	return m, nil
}

func (n *memNet) Member(_ context.Context, id string) (*Member, error) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if x, ok := n.nodes[id]; ok {
		m := x.m
		return &m, nil
	}
	return nil, graph.NotFound("member %s not found", id)
}

func (n *memNet) Upgrade(_ context.Context, u Upgrade) (*Member, error) {
	n.mu.Lock()
	defer n.mu.Unlock()
	x := n.nodes[u.MemberID]
	if x.m.Plan != u.FromPlan.String() {
		return nil, graph.Conflict("member %s changed plan meanwhile; try again", u.MemberID)
	}
	x.m.Plan = u.ToPlan.String()
	n.upgrade = append(n.upgrade, u)
	m := x.m
	return &m, nil
}

func (n *memNet) ConfirmPack(_ context.Context, id, _, _ string, _ time.Time) (bool, error) {
	n.mu.Lock()
	defer n.mu.Unlock()
	was := n.pending[id]
	delete(n.pending, id)
	return was, nil
}

// memRegTx reads the committed network and keeps its one write until commit.
type memRegTx struct {
	n   *memNet
	new *Registration
}

func (t *memRegTx) commit() {
	if t.new == nil {
		return
	}
	r := *t.new
	t.n.created = append(t.n.created, r)
	m := r.Member
	if r.ParentID != "" {
		p := t.n.nodes[r.ParentID]
		m.Depth = p.m.Depth + 1
		if r.Leg == "left" {
			p.left = m.ID
		} else {
			p.right = m.ID
		}
	}
	t.n.nodes[m.ID] = &memNode{m: m}
	t.n.emails[m.Email] = true
	if r.PendingPack {
		t.n.pending[m.ID] = true
	}
}

func (t *memRegTx) Check(_ context.Context, r Registration) (*RegistrationCheck, error) {
	c := &RegistrationCheck{EmailTaken: t.n.emails[r.Email]}
	_, c.IDTaken = t.n.nodes[r.ID]
	if s, ok := t.n.nodes[r.SponsorID]; ok {
		c.SponsorExists, c.SponsorPlan, c.SponsorAt, c.SponsorDepth = true, s.m.Plan, s.m.RegisteredAt, s.m.Depth
	}
	if r.Strategy == StrategyExplicit {
		if p, ok := t.n.nodes[r.ParentID]; ok {
			c.ParentExists, c.ParentPlan, c.LeftTaken, c.RightTaken = true, p.m.Plan, p.left != "", p.right != ""
		}
	}
	return c, nil
}

func (t *memRegTx) Inside(_ context.Context, parent, sponsor string, _ int64) (bool, error) {
	for v := parent; v != ""; v = t.n.nodes[v].m.ParentID {
		if v == sponsor {
			return true, nil
		}
	}
	return false, nil
}

func (t *memRegTx) ExtremeEnd(_ context.Context, from, side string) (string, error) {
	v := from
	for {
		x := t.n.nodes[v]
		next := x.left
		if side == "right" {
			next = x.right
		}
		if next == "" {
			return v, nil
		}
		v = next
	}
}

func (t *memRegTx) RegisteredAt(_ context.Context, id string) (time.Time, error) {
	return t.n.nodes[id].m.RegisteredAt, nil
}

func (t *memRegTx) LegBV(_ context.Context, id string) (int64, int64, error) {
	x := t.n.nodes[id]
	return x.ltBV, x.rtBV, nil
}

func (t *memRegTx) size(id string) int64 {
	if id == "" {
		return 0
	}
	x := t.n.nodes[id]
	return 1 + t.size(x.left) + t.size(x.right)
}

func (t *memRegTx) LegCounts(_ context.Context, id string) (*LegCounts, error) {
	x := t.n.nodes[id]
	return &LegCounts{MemberID: id, Left: t.size(x.left), Right: t.size(x.right)}, nil
}

func (t *memRegTx) NextLevel(_ context.Context, ids []string) ([]Children, error) {
	out := make([]Children, len(ids))
	for i, id := range ids {
		x := t.n.nodes[id]
		out[i] = Children{ID: id, Left: x.left, Right: x.right}
	}
	return out, nil
}

func (t *memRegTx) Create(_ context.Context, r Registration) (*Member, error) {
	t.new = &r
	m := r.Member
	return &m, nil
}
