// The root: the company's own consultant_plus account, no sponsor, no parent. Its registration
// is a pack purchase like any other (PLAN.md §2).
MERGE (r:Member {id: $id})
ON CREATE SET r:Consultant, r.name = $name, r.name_lc = toLower($name), r.depth = 0, r.sdepth = 0, r.rank = 'none', r.imported = false, r.email = $email, r.plan = $plan, r.plan_at_registration = $plan,
  r.registered_at = datetime($registered_at), r.root = true, r.created_at = datetime.transaction(), r.created = true
WITH r, coalesce(r.created, false) AS created
REMOVE r.created
WITH r, created
CALL (r, created) {
  WITH r, created WHERE created
  MERGE (g:Legs {id: r.id}) ON CREATE SET g.left = 0, g.right = 0
}
CALL (r, created) {
  WITH r, created WHERE created AND $price_cents + $bv_cents > 0
  CREATE (s:Sale {id: 'pack:' + r.id, kind: 'pack', member_id: r.id, plan: $plan, price_cents: $price_cents,
    bv_cents: $bv_cents, occurred_at: r.registered_at, accepted_at: datetime.transaction()})-[:OF]->(r)
}
RETURN created
