MATCH (m:Consultant)
RETURN m.id AS id, m.parent_id AS parent, m.leg AS leg, coalesce(m.depth, 0) AS depth
