// A member's pack purchase and upgrades with the refunds recorded for them (PLAN.md §11), and
// when its termination took effect, if any (§10).
MATCH (m:Member {id: $id})
OPTIONAL MATCH (m)-[:HAS_STATUS]->(term:StatusChange {status: 'terminated'})
WITH m, term.at AS terminated_at
OPTIONAL MATCH (s:Sale {member_id: m.id}) WHERE s.kind IN ['pack', 'upgrade']
WITH m, terminated_at, collect({id: s.id, kind: s.kind, from: s.from_plan, plan: s.plan, at: s.occurred_at, pending: coalesce(s.pending, false)}) AS purchases
OPTIONAL MATCH (f:Refund {member_id: m.id})
RETURN m.id AS id, m.name AS name, m.email AS email, m.plan AS plan, m.sponsor_id AS sponsor_id,
       m.parent_id AS parent_id, m.leg AS leg, coalesce(m.rank, 'none') AS rank, m.depth AS depth,
       m.registered_at AS registered_at, coalesce(m.imported, false) AS imported, terminated_at,
       [p IN purchases WHERE p.id IS NOT NULL] AS purchases,
       collect({id: f.id, sale_id: f.sale_id, occurred_at: f.occurred_at, plan_after: f.plan_after, reason: f.reason, recorded_at: f.recorded_at}) AS refunds
