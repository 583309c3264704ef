UNWIND $ids AS id
MATCH (m:Member {id: id})
OPTIONAL MATCH (v:Vendor {id: $vendor})-[:SERVES]->(m)
OPTIONAL MATCH (m)-[:HAS_STATUS]->(term:StatusChange {status: 'terminated'})
RETURN term.at AS terminated_at, m.id AS id, m.plan AS plan, m.sponsor_id AS sponsor_id, m.email AS email, m.registered_at AS registered_at,
       coalesce(m.sdepth, 0) AS sdepth, v IS NOT NULL AS served
