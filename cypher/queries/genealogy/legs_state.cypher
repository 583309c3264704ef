// Whether the one-time recount of leg counts has run.
OPTIONAL MATCH (k:Lock {id: 'legs'})
RETURN coalesce(k.counted, false) AS counted
