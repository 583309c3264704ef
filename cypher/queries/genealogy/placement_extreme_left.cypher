// The outermost free slot down the left side of $from. $from.xl remembers the end found last
// time; the spine only grows downward, so the walk resumes there instead of from the top of a
// chain that may be 100,000 deep.
MATCH (s:Member {id: $from})
OPTIONAL MATCH (h:Member {id: s.xl})
WITH coalesce(h, s) AS start
MATCH (start)-[:LEFT*0..]->(end)
WHERE NOT (end)-[:LEFT]->()
RETURN end.id AS parent, end.depth AS depth
LIMIT 1
