package field

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/halo-oss/halo/graph"
	"github.com/halo-oss/halo/graph/genealogy"
)

// memGatherings keeps gatherings in memory with the store's transaction semantics: one
// transaction at a time per store, rolled back when fn fails. Methods the seat rules do not
// use are left to the embedded (nil) interface.
type memGatherings struct {
	GatheringStore
	mu   sync.Mutex
	g    map[string]Gathering
	regs map[string]map[string]Registration
}

func newMemGatherings() *memGatherings {
	return &memGatherings{g: map[string]Gathering{}, regs: map[string]map[string]Registration{}}
}

func (m *memGatherings) CreateGathering(_ context.Context, g Gathering) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.g[g.ID], m.regs[g.ID] = g, map[string]Registration{}
	return nil
}

func (m *memGatherings) InGatheringTx(_ context.Context, id string, fn func(GatheringTx) error) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	g, ok := m.g[id]
	if !ok {
		return graph.NotFound("%s not found", id)
	}
	saved := map[string]Registration{}
	for k, v := range m.regs[id] {
		saved[k] = v
	}
	if err := fn(&memTx{m: m, id: id}); err != nil {
		m.g[id], m.regs[id] = g, saved
		return err
	}
	return nil
}

func (m *memGatherings) sorted(id string) []Registration {
	var out []Registration
	for _, b := range m.regs[id] {
		out = append(out, b)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Seq < out[j].Seq })
	return out
}

func (m *memGatherings) Registrations(_ context.Context, id, status string, offset, limit int) ([]Registration, bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []Registration
	for _, b := range m.sorted(id) {
		if status == "" || b.Status == status {
			out = append(out, b)
		}
	}
	out = out[min(offset, len(out)):]
	return out[:min(limit, len(out))], len(out) > limit, nil
}

type memTx struct {
	m  *memGatherings
	id string
}

func (t *memTx) Load(context.Context) (*Gathering, error) { g := t.m.g[t.id]; return &g, nil }

func (t *memTx) RegistrationsOf(_ context.Context, ids []string) (map[string]Registration, error) {
	out := map[string]Registration{}
	for _, id := range ids {
		b, ok := t.m.regs[t.id][id]
		if !ok {
			continue
		}
		if b.Status == RegWaitlisted {
			for _, o := range t.m.regs[t.id] {
				if o.Status == RegWaitlisted && o.Seq <= b.Seq {
					b.Position++
				}
			}
		}
		out[id] = b
	}
	return out, nil
}

func (t *memTx) Waitlist(_ context.Context, limit int) ([]Registration, error) {
	var out []Registration
	for _, b := range t.m.sorted(t.id) {
		if b.Status == RegWaitlisted && len(out) < limit {
			out = append(out, b)
		}
	}
	return out, nil
}

// Save replaces what an admin edits; counters and the registration sequence stay, as in Neo4j.
func (t *memTx) Save(_ context.Context, g Gathering) error {
	cur := t.m.g[t.id]
	g.Confirmed, g.Waitlisted, g.Attended, g.RegSeq = cur.Confirmed, cur.Waitlisted, cur.Attended, cur.RegSeq
	t.m.g[t.id] = g
	return nil
}

func (t *memTx) Put(_ context.Context, g *Gathering, regs []Registration) error {
	cur := t.m.g[t.id]
	cur.Confirmed, cur.Waitlisted, cur.Attended, cur.RegSeq = g.Confirmed, g.Waitlisted, g.Attended, g.RegSeq
	t.m.g[t.id] = cur
	for _, b := range regs {
		b.Position = 0
		t.m.regs[t.id][b.MemberID] = b
	}
	return nil
}

func (m *memGatherings) ResolveMembers(_ context.Context, refs []string) (map[string]genealogy.Member, error) {
	out := map[string]genealogy.Member{}
	for _, r := range refs {
		out[r] = genealogy.Member{ID: r}
	}
	return out, nil
}

// memMembers answers Member for anyone (a consultant); nothing else is used.
type memMembers struct{}

func (memMembers) Member(_ context.Context, id string) (*genealogy.Member, error) {
	return &genealogy.Member{ID: id, Name: "Member " + id, Email: id + "@example.com", Plan: "consultant"}, nil
}

// Random registrations, cancellations, capacity changes and attendance marks, concurrently:
// the seats never exceed the capacity, nobody waits while a seat is free, the kept counters
// equal the registrations, waitlist places are 1..n in registration order, and the seats freed
// go to the head of the waitlist.
func TestSeatRulesHoldUnderRandomOperations(t *testing.T) {
	for seed := uint64(1); seed <= 25; seed++ {
		t.Run(fmt.Sprint("seed ", seed), func(t *testing.T) {
			st := newMemGatherings()
			now := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
			f := New(Deps{Store: st, Members: memMembers{}, Now: func() time.Time { return now }})
			rng := rand.New(rand.NewPCG(seed, 7))
			capacity := 1 + rng.IntN(6)
			waitlist := rng.IntN(4) != 0
			ctx := context.Background()
			admin := graph.Principal{ID: "admin:ops@example.com", Role: graph.RoleAdmin}
			req := GatheringRequest{Title: "Rally", Format: FormatInPerson, Location: "Austin", StartsAt: now.Add(48 * time.Hour).Format(time.RFC3339),
				DurationMinutes: 60, Capacity: capacity, Waitlist: &waitlist, Status: gatheringPublished}
			g, err := f.Schedule.Create(ctx, KindEvent, req)
			if err != nil {
				t.Fatal(err)
			}
			var wg sync.WaitGroup
			var mu sync.Mutex
			var promoted []int64 // the registration sequence of everyone a cancellation seated
			for w := 0; w < 4; w++ {
				r := rand.New(rand.NewPCG(seed, uint64(w)))
				wg.Add(1)
				go func() {
					defer wg.Done()
					for i := 0; i < 40; i++ {
						member := fmt.Sprintf("m%02d", r.IntN(30))
						switch op := r.IntN(10); {
						case op < 6:
							_, _ = f.Registrations.Register(ctx, graph.Principal{ID: member, Role: graph.RoleConsultant}, KindEvent, g.ID, RegisterRequest{})
						case op < 9:
							res, err := f.Registrations.Cancel(ctx, graph.Principal{ID: member, Role: graph.RoleConsultant}, KindEvent, g.ID, member)
							if err == nil && res.Promoted != nil {
								mu.Lock()
								promoted = append(promoted, res.Promoted.Seq)
								mu.Unlock()
							}
						default:
							c := req
							c.Capacity = 1 + r.IntN(8)
							_, _ = f.Schedule.Update(ctx, KindEvent, g.ID, c) // may be refused below the confirmed seats
						}
					}
				}()
			}
			wg.Wait()
			_, err = f.Attendance.Mark(graph.WithActor(ctx, admin.ID), KindEvent, g.ID, "manual", AttendanceRequest{Members: []string{"m01", "m02", "m03"}})
			if err == nil || graph.KindOf(err) != graph.KindConflict {
				t.Errorf("attendance two days early: %v", err)
			}

			cur := st.g[g.ID]
			regs := st.sorted(g.ID)
			var confirmed, waiting int
			var places []int64
			for _, b := range regs {
				switch b.Status {
				case RegConfirmed:
					confirmed++
				case RegWaitlisted:
					waiting++
					places = append(places, b.Seq)
				}
			}
			if cur.Confirmed != confirmed || cur.Waitlisted != waiting {
				t.Errorf("counters %d/%d, registrations %d/%d", cur.Confirmed, cur.Waitlisted, confirmed, waiting)
			}
			if cur.Capacity > 0 && confirmed > cur.Capacity {
				t.Errorf("%d seats taken of %d", confirmed, cur.Capacity)
			}
			if waiting > 0 && (confirmed < cur.Capacity || !waitlist) {
				t.Errorf("%d wait while %d of %d seats are taken (waitlist %v)", waiting, confirmed, cur.Capacity, waitlist)
			}
			tx := &memTx{m: st, id: g.ID}
			for i, seq := range places {
				var member string
				for _, b := range regs {
					if b.Seq == seq {
						member = b.MemberID
					}
				}
				bs, _ := tx.RegistrationsOf(ctx, []string{member})
				if bs[member].Position != i+1 {
					t.Errorf("%s waits at place %d, want %d", member, bs[member].Position, i+1)
				}
			}
			// Whoever was promoted had registered before everyone still waiting.
			// (A smaller sequence is an earlier registration; one that waits now waited then.)
			for _, seq := range promoted {
				if len(places) > 0 && seq > places[0] {
					t.Errorf("seq %d was promoted ahead of seq %d, still waiting", seq, places[0])
				}
			}
			var seqs []int64
			for _, b := range regs {
				seqs = append(seqs, b.Seq)
			}
			for i := 1; i < len(seqs); i++ {
				if seqs[i] == seqs[i-1] {
					t.Errorf("sequence %d given twice", seqs[i])
				}
			}
		})
	}
}
