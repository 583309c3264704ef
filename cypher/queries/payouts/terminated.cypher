// Consultants terminated by now, with their own sponsor (PLAN.md §10 roll-up).
MATCH (m:Member)-[:HAS_STATUS]->(c:StatusChange {status: 'terminated'})
WHERE c.at <= datetime()
RETURN m.id AS id, m.sponsor_id AS sponsor
