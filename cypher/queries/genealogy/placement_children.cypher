// One breadth-first level for the balanced strategy, in the given order.
UNWIND range(0, size($ids) - 1) AS i
MATCH (n:Member {id: $ids[i]})
OPTIONAL MATCH (n)-[:LEFT]->(l)
OPTIONAL MATCH (n)-[:RIGHT]->(r)
RETURN n.id AS id, l.id AS left, r.id AS right
ORDER BY i
