// Placements still to be added to their ancestors' leg counts, with where they are.
MATCH (g:Legs) WHERE g.add > 0
WITH g LIMIT $limit
MATCH (m:Member {id: g.id})
RETURN g.id AS id, g.add AS add, m.depth AS depth
