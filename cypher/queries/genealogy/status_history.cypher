// A member's status changes in recording order and its latest upgrade (PLAN.md §10).
MATCH (m:Member {id: $id})
//+ genealogy/status_changes
OPTIONAL MATCH (u:Sale {kind: 'upgrade', member_id: m.id})
RETURN m.id AS id, m.name AS name, m.email AS email, m.plan AS plan, m.sponsor_id AS sponsor_id,
       m.parent_id AS parent_id, m.leg AS leg, coalesce(m.rank, 'none') AS rank, m.depth AS depth,
       m.registered_at AS registered_at, coalesce(m.imported, false) AS imported,
       changes, max(u.occurred_at) AS last_upgrade
