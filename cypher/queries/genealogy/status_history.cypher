// A member's status changes in recording order and its latest upgrade (PLAN.md §10).
MATCH (m:Member {id: $id})
OPTIONAL MATCH (m)-[:HAS_STATUS]->(c:StatusChange)
WITH m, c ORDER BY c.seq
WITH m, [x IN collect(c) | {status: x.status, at: x.at, reason: x.reason, recorded_at: x.recorded_at, seq: x.seq}] AS changes
OPTIONAL MATCH (u:Sale {kind: 'upgrade', member_id: m.id})
RETURN m.id AS id, m.name AS name, m.email AS email, m.plan AS plan, m.sponsor_id AS sponsor_id,
       m.parent_id AS parent_id, m.leg AS leg, coalesce(m.rank, 'none') AS rank, m.depth AS depth,
       m.registered_at AS registered_at, coalesce(m.imported, false) AS imported,
       changes, max(u.occurred_at) AS last_upgrade
