package genealogy

import (
	"context"
	"log/slog"
	"sort"
	"time"
)

// Leg counts are maintained, not walked: every consultant carries the number of members in each
// of its placement legs. The placement tree only grows (status changes never move anybody), so a
// count only ever goes up: by one for each ancestor of a registered consultant, by the size of an
// imported subtree for each ancestor of the existing member it hangs from.

// PlacementLink is a consultant's place in the binary tree.
type PlacementLink struct {
	ID, Parent, Leg string
	Depth           int64
}

// LegAdd adds N members to the Leg of member ID, and to the matching leg of each of its
// placement ancestors.
type LegAdd struct {
	ID, Leg string
	N       int64
}

// LegSizes counts the members in each placement leg of every consultant in links, which must
// hold whole subtrees (every consultant below a listed one is listed). Parents outside links are
// not counted; Attach says what the subtrees add to them.
func LegSizes(links []PlacementLink) map[string][2]int64 {
	order := make([]int, len(links))
	sizes := make(map[string][2]int64, len(links))
	for i, l := range links {
		order[i] = i
		sizes[l.ID] = [2]int64{}
	}
	// Deepest first, so a node's legs are complete before they are added to its parent.
	sort.Slice(order, func(a, b int) bool { return links[order[a]].Depth > links[order[b]].Depth })
	for _, i := range order {
		l := links[i]
		p, in := sizes[l.Parent]
		if l.Parent == "" || !in {
			continue
		}
		own := sizes[l.ID]
		p[legIndex(l.Leg)] += 1 + own[0] + own[1]
		sizes[l.Parent] = p
	}
	return sizes
}

// Attach is what the subtrees in links add to the members outside links they hang from.
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
		adds = append(adds, LegAdd{ID: l.Parent, Leg: l.Leg, N: 1 + s[0] + s[1]})
	}
	return adds
}

func legIndex(leg string) int {
	if leg == "right" {
		return 1
	}
	return 0
}

// LegCountStore recounts every leg when counts are missing (a graph from before they were kept).
type LegCountStore interface {
	// RecountLegs runs under the placement lock: when some consultant has no counts it reads every
	// consultant's placement, asks count for the sizes and writes them all; it returns how many
	// consultants it wrote (0 when nothing was missing).
	RecountLegs(ctx context.Context, count func([]PlacementLink) map[string][2]int64) (int, error)
}

// RecountLegs counts every consultant's legs once, on a graph from before they were kept; it is
// a no-op afterwards. Until it has run, leg counts are walked.
func (s *MemberService) RecountLegs(ctx context.Context, log *slog.Logger) error {
	start := time.Now()
	n, err := s.LegStore.RecountLegs(ctx, LegSizes)
	if err == nil && n > 0 {
		log.Info("leg counts recounted; every placement keeps them from now on", "consultants", n, "took", time.Since(start).Round(time.Millisecond))
	}
	return err
}
