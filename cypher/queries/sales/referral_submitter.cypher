MATCH (m:Member {id: $id})
RETURN m.plan AS plan, coalesce(m.sponsor_id, '') AS sponsor_id
