// A member's leg counts as last added up, how many placements network-wide are still to be
// added, and whether the counts are whole at all (the caller walks until the one-time recount).
MATCH (m:Member {id: $id})
OPTIONAL MATCH (g:Legs {id: $id})
OPTIONAL MATCH (k:Lock {id: 'legs'})
RETURN g.left AS left, g.right AS right, m:Consultant AS consultant, coalesce(k.counted, false) AS counted,
       COUNT { MATCH (p:Legs) WHERE p.add > 0 } AS pending
