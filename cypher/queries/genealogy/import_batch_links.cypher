UNWIND $rows AS r
MATCH (m:Member {id: r.id})
MATCH (s:Member {id: r.sponsor})
CREATE (s)-[:SPONSORED]->(m)
WITH r, m
WHERE r.parent IS NOT NULL
MATCH (p:Member {id: r.parent})
FOREACH (_ IN CASE WHEN r.leg = 'left' THEN [1] ELSE [] END | CREATE (p)-[:LEFT]->(m))
FOREACH (_ IN CASE WHEN r.leg = 'right' THEN [1] ELSE [] END | CREATE (p)-[:RIGHT]->(m))
