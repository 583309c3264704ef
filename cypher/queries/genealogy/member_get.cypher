MATCH (m:Member {id: $id})
RETURN m.id AS id, m.name AS name, m.email AS email, m.plan AS plan, m.sponsor_id AS sponsor_id,
       m.parent_id AS parent_id, m.leg AS leg, coalesce(m.rank, 'none') AS rank, m.depth AS depth,
       m.registered_at AS registered_at, coalesce(m.imported, false) AS imported, m.upgraded_at AS upgraded_at,
       coalesce(m.pack_pending, false) AS pack_pending
