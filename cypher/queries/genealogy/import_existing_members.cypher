UNWIND $ids AS id
MATCH (m:Member {id: id})
OPTIONAL MATCH (m)-[:LEFT]->(l)
OPTIONAL MATCH (m)-[:RIGHT]->(r)
OPTIONAL MATCH (m)-[:HAS_STATUS]->(term:StatusChange {status: 'terminated'})
RETURN m.id AS id, m.name AS name, m.email AS email, m.plan AS plan, m.sponsor_id AS sponsor_id,
       m.parent_id AS parent_id, m.leg AS leg, m.registered_at AS registered_at, coalesce(m.depth, 0) AS depth,
       coalesce(m.sdepth, 0) AS sdepth, l IS NOT NULL AS left_taken, r IS NOT NULL AS right_taken,
       coalesce(m.imported, false) AS imported, term.at AS terminated_at
