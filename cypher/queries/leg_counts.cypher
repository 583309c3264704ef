// Members in each placement leg of $id.
MATCH (m:Member {id: $id})
OPTIONAL MATCH (m)-[:LEFT]->(l)
OPTIONAL MATCH (m)-[:RIGHT]->(r)
CALL (l) { OPTIONAL MATCH (l)-[:LEFT|RIGHT*0..]->(d) RETURN count(d) AS left }
CALL (r) { OPTIONAL MATCH (r)-[:LEFT|RIGHT*0..]->(d) RETURN count(d) AS right }
RETURN m.id AS id, left, right
