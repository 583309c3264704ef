// Creates a registered member, its sponsor link, its placement (consultants) and, on a priced
// plan, its pack purchase (PLAN.md §2). Placement was resolved under the placement lock.
// Stamped with the transaction's start, as every write the projection reads by stamp is
// (payouts/open_accepts).
MATCH (s:Member {id: $sponsor})
CREATE (m:Member {id: $id, name: $name, name_lc: toLower($name), email: $email, plan: $plan,
  plan_at_registration: $plan, registered_at: datetime($registered_at), created_at: datetime.transaction(),
  rank: 'none', imported: false, sponsor_id: $sponsor, sdepth: coalesce(s.sdepth, 0) + 1})
SET m.password_hash = $password_hash
CREATE (s)-[:SPONSORED]->(m)
WITH m
CALL (m) {
  WITH m WHERE $parent IS NOT NULL
  MATCH (p:Member {id: $parent})
  SET m:Consultant, m.depth = p.depth + 1, m.slot = $parent + '/' + $leg, m.leg = $leg, m.parent_id = $parent
  // Its ancestors' leg counts gain it in the adding pass (legs_pending).
  CREATE (:Legs {id: $id, left: 0, right: 0, add: 1})
  FOREACH (_ IN CASE WHEN $leg = 'left' THEN [1] ELSE [] END | CREATE (p)-[:LEFT]->(m))
  FOREACH (_ IN CASE WHEN $leg = 'right' THEN [1] ELSE [] END | CREATE (p)-[:RIGHT]->(m))
}
CALL (m) {
  WITH m WHERE $parent IS NULL
  SET m:Customer
}
CALL (m) {
  WITH m WHERE $price_cents + $bv_cents > 0
  CREATE (p:Sale {id: 'pack:' + m.id, kind: 'pack', member_id: m.id, plan: $plan, price_cents: $price_cents,
    bv_cents: $bv_cents, occurred_at: m.registered_at, accepted_at: datetime.transaction()})-[:OF]->(m)
  // A self-registered pack is pending until an admin confirms the payment: no sale until then.
  FOREACH (_ IN CASE WHEN $pending THEN [1] ELSE [] END | SET p.pending = true, m.pack_pending = true)
}
CALL (m) {
  WITH m WHERE $hint IS NOT NULL
  MATCH (s:Member {id: $sponsor})
  FOREACH (_ IN CASE WHEN $hint = 'left' THEN [1] ELSE [] END | SET s.xl = m.id)
  FOREACH (_ IN CASE WHEN $hint = 'right' THEN [1] ELSE [] END | SET s.xr = m.id)
}
RETURN m.id AS id, m.name AS name, m.email AS email, m.plan AS plan, m.sponsor_id AS sponsor_id,
       m.parent_id AS parent_id, m.leg AS leg, m.rank AS rank, m.depth AS depth,
       m.registered_at AS registered_at, m.imported AS imported
