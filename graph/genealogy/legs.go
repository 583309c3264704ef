package genealogy

import (
	"context"
	"log/slog"
	"sort"
	"time"
)

// Leg counts are maintained, not walked: every consultant has the number of members in each of
// its placement legs. The placement tree only grows (status changes never move anybody), so a
// count only ever goes up. A new placement carries what it adds to its ancestors (one member,
// or an imported subtree's size) until the adding pass has added it to every ancestor's leg, in
// one transaction per pass: a registration costs the same at any depth, and a pass over many
// new members in one deep chain walks the chain once.

// PlacementLink is a consultant's place in the binary tree.
type PlacementLink struct {
	ID, Parent, Leg string
	Depth           int64
}

// LegAdd is N members (a consultant and its subtree) to add to the legs of ID's ancestors.
type LegAdd struct {
	ID string
	N  int64
}

// LegSizes counts the members in each placement leg of every consultant in links, which must
// hold whole subtrees (every consultant below a listed one is listed). Parents outside links are
// not counted; Attach says what the subtrees add to them.
func LegSizes(links []PlacementLink) map[string][2]int64 {
	// By position, not by id: a million links otherwise spend most of their time in map
	// lookups (issue #19). Ids are looked up once, to find each parent's position.
	idx := make(map[string]int32, len(links))
	for i, l := range links {
		idx[l.ID] = int32(i)
	}
	parent := make([]int32, len(links))
	var deepest, shallowest int64
	for i, l := range links {
		parent[i] = -1
		if p, ok := idx[l.Parent]; ok && l.Parent != "" {
			parent[i] = p
		}
		deepest, shallowest = max(deepest, l.Depth), min(shallowest, l.Depth)
	}
	// Deepest first, so a node's legs are complete before they are added to its parent.
	order := make([]int32, len(links))
	if shallowest < 0 || deepest > int64(4*len(links)+1024) {
		for i := range order {
			order[i] = int32(i)
		}
		sort.Slice(order, func(a, b int) bool { return links[order[a]].Depth > links[order[b]].Depth })
	} else {
		start := make([]int32, deepest+2) // counting sort: depths are small and dense
		for _, l := range links {
			start[deepest-l.Depth+1]++
		}
		for k := 1; k < len(start); k++ {
			start[k] += start[k-1]
		}
		for i, l := range links {
			k := deepest - l.Depth
			order[start[k]] = int32(i)
			start[k]++
		}
	}
	sizes := make([][2]int64, len(links))
	for _, i := range order {
		if p := parent[i]; p >= 0 {
			sizes[p][legIndex(links[i].Leg)] += 1 + sizes[i][0] + sizes[i][1]
		}
	}
	out := make(map[string][2]int64, len(links))
	for i, l := range links {
		out[l.ID] = sizes[i]
	}
	return out
}

// Attach is, for each subtree in links that hangs from a member outside links, its top and its
// size: what it adds to the legs of the top's ancestors.
func Attach(links []PlacementLink, sizes map[string][2]int64) []LegAdd {
	in := make(map[string]bool, len(links))
	for _, l := range links {
		in[l.ID] = true
	}
	var adds []LegAdd
	for _, l := range links {
		if l.Parent == "" || in[l.Parent] {
			continue
		}
		s := sizes[l.ID]
		adds = append(adds, LegAdd{ID: l.ID, N: 1 + s[0] + s[1]})
	}
	return adds
}

// Step is one placement link walked upwards: a member, its parent, whether it hangs on the
// parent's right leg, and its depth.
type Step struct {
	ID, Parent string
	Right      bool
	Depth      int64
}

// RollUp pushes what members carry up the union of their walked paths, deepest first, and
// returns what each parent gains on each leg. Each step is taken once however many carried
// amounts pass through it (a 100,000-deep chain is walked once, not once per member below it).
// steps must hold every step between a carrying member and the top of its walk.
func RollUp(steps []Step, carry map[string]int64) map[string][2]int64 {
	// Every step may name a new parent: room for them all, not rehashed on the way.
	acc := make(map[string]int64, max(len(carry), len(steps)))
	for id, v := range carry {
		acc[id] += v
	}
	sort.Slice(steps, func(a, b int) bool { return steps[a].Depth > steps[b].Depth })
	legs := make(map[string][2]int64, len(steps))
	for _, st := range steps {
		a := acc[st.ID]
		if st.Parent == "" || a == 0 {
			continue
		}
		lg := legs[st.Parent]
		if st.Right {
			lg[1] += a
		} else {
			lg[0] += a
		}
		legs[st.Parent] = lg
		acc[st.Parent] += a
	}
	return legs
}

func legIndex(leg string) int {
	if leg == "right" {
		return 1
	}
	return 0
}

// LegCountStore keeps leg counts.
type LegCountStore interface {
	// RecountLegs makes the counts whole once, on a graph from before they were kept (and on a
	// new one): it reads every consultant's placement, asks count for the sizes and writes
	// them, losing no placement made meanwhile; it returns how many consultants it wrote (0 when
	// the counts were whole already, or when an import being written defers it). Until then
	// the counts are walked.
	RecountLegs(ctx context.Context, count func([]PlacementLink) map[string][2]int64) (int, error)
	// AddPending adds up to limit pending placements to their ancestors' legs in one
	// transaction; it returns how many it added and how many ancestors it wrote.
	AddPending(ctx context.Context, limit int) (placements, ancestors int, err error)
}

// RunLegCounts makes the counts whole once, then adds new placements to them every interval
// (each replica runs it; a lock in Neo4j makes the passes take turns).
func (s *MemberService) RunLegCounts(ctx context.Context, log *slog.Logger, every time.Duration) {
	if every <= 0 {
		every = time.Second
	}
	const batch = 1000
	for {
		if err := s.legsRound(ctx, log, batch); err != nil && ctx.Err() == nil {
			log.Warn("leg counts: pass failed; retried", "error", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(every):
		}
	}
}

func (s *MemberService) legsRound(ctx context.Context, log *slog.Logger, batch int) error {
	start := time.Now()
	n, err := s.LegStore.RecountLegs(ctx, LegSizes)
	if err != nil {
		return err
	}
	if n > 0 {
		log.Info("leg counts recounted; placements are added to them from now on", "consultants", n, "took", time.Since(start).Round(time.Millisecond))
	}
	for {
		start = time.Now()
		placed, ancestors, err := s.LegStore.AddPending(ctx, batch)
		if err != nil || placed == 0 {
			return err
		}
		lvl := slog.LevelDebug
		if time.Since(start) > time.Second {
			lvl = slog.LevelInfo
		}
		log.Log(ctx, lvl, "leg counts: placements added", "placements", placed, "ancestors", ancestors, "took", time.Since(start).Round(time.Millisecond))
		if placed < batch {
			return nil
		}
	}
}
