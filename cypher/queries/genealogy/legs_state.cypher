// Whether the one-time recount of leg counts has run, and whether any placement waits to be
// added (so an idle adding pass costs one read, not a write transaction).
OPTIONAL MATCH (k:Lock {id: 'legs'})
RETURN coalesce(k.counted, false) AS counted, EXISTS { MATCH (g:Legs) WHERE g.add > 0 } AS pending
