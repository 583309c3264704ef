// The outermost free slot down the right side of $from. $from.xr remembers the end found last
// time; the spine only grows downward, so the walk resumes there instead of from the top of a
// chain that may be 100,000 deep.
MATCH (s:Member {id: $from})
OPTIONAL MATCH (h:Member {id: s.xr})
WITH coalesce(h, s) AS start
MATCH (start)-[:RIGHT*0..]->(end)
WHERE NOT (end)-[:RIGHT]->()
RETURN end.id AS parent, end.depth AS depth
LIMIT 1
