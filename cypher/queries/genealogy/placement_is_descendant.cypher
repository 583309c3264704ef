// Is $parent the sponsor or below it (PLAN.md §2)? Walk up from the parent, never down from the
// sponsor: the walk is one chain, pruned at the sponsor's depth.
MATCH (p:Member {id: $parent})
MATCH (p)((c)<-[:LEFT|RIGHT]-(up) WHERE up.depth >= $sponsor_depth)*(a)
WHERE a.depth = $sponsor_depth
RETURN a.id = $sponsor AS inside
