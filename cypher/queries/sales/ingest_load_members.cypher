UNWIND $ids AS id
MATCH (m:Member {id: id})
OPTIONAL MATCH (v:Vendor {id: $vendor})-[:SERVES]->(m)
OPTIONAL MATCH (m)-[:HAS_STATUS]->(term:StatusChange {status: 'terminated'})
RETURN term.at.epochSeconds AS terminated_s, term.at.nanosecond AS terminated_ns, m.id AS id, m.plan AS plan, m.sponsor_id AS sponsor_id,
       m.email AS email, m.registered_at.epochSeconds AS registered_s, m.registered_at.nanosecond AS registered_ns,
       coalesce(m.sdepth, 0) AS sdepth, v IS NOT NULL AS served
