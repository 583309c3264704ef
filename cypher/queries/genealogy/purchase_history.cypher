// A member's pack purchase and upgrades with the refunds recorded for them (PLAN.md §11).
MATCH (m:Member {id: $id})
OPTIONAL MATCH (s:Sale {member_id: m.id}) WHERE s.kind IN ['pack', 'upgrade']
WITH m, collect({id: s.id, kind: s.kind, from: s.from_plan, plan: s.plan, at: s.occurred_at, pending: coalesce(s.pending, false)}) AS purchases
OPTIONAL MATCH (f:Refund {member_id: m.id})
RETURN m.id AS id, m.name AS name, m.email AS email, m.plan AS plan, m.sponsor_id AS sponsor_id,
       m.parent_id AS parent_id, m.leg AS leg, coalesce(m.rank, 'none') AS rank, m.depth AS depth,
       m.registered_at AS registered_at, coalesce(m.imported, false) AS imported,
       [p IN purchases WHERE p.id IS NOT NULL] AS purchases,
       collect({id: f.id, sale_id: f.sale_id, occurred_at: f.occurred_at, plan_after: f.plan_after, reason: f.reason, recorded_at: f.recorded_at}) AS refunds
