MATCH (m:Member {id: $id})
OPTIONAL MATCH (m)-[:LEFT]->(l)
OPTIONAL MATCH (m)-[:RIGHT]->(r)
RETURN m.id AS id, l.id AS left, r.id AS right
