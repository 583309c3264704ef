MATCH (m:Member {plan: 'customer'}) WHERE m.registered_at < datetime($to)
OPTIONAL MATCH (m)-[:HAS_STATUS]->(t:StatusChange {status: 'terminated'})
WITH m, min(t.at) AS ended
WHERE ended IS NULL OR ended >= datetime($from)
RETURN count(m) AS n
