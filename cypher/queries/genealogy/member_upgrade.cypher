// An upgrade is a sale of the price and BV difference (PLAN.md §2). It runs after
// member_plan_lock in the same transaction, so the plan read here is the last committed one: of
// two racing plan changes (upgrades or refunds, §11) the second sees the first and matches
// nothing. A sale id already used is refused.
MATCH (m:Member {id: $id})
SET m.plan_lock = true
WITH m
OPTIONAL MATCH (x:Sale {id: $sale_id})
WITH m, x IS NOT NULL AS taken
CALL {
  WITH m, taken
  WITH m WHERE m.plan = $from AND NOT taken
  SET m.plan = $to, m.upgraded_at = datetime($occurred_at)
  CREATE (s:Sale {id: $sale_id, kind: 'upgrade', member_id: m.id, from_plan: $from, plan: $to,
    price_cents: $price_cents, bv_cents: $bv_cents, occurred_at: datetime($occurred_at), accepted_at: datetime.transaction()})-[:OF]->(m)
  RETURN count(s) AS n
}
REMOVE m.plan_lock
RETURN n, taken
