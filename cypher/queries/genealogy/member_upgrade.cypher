// An upgrade is a sale of the price and BV difference (PLAN.md §2). The plan guard makes two
// racing upgrades of one member impossible: the loser matches nothing.
MATCH (m:Member {id: $id}) WHERE m.plan = $from
SET m.plan = $to, m.upgraded_at = datetime($occurred_at)
CREATE (s:Sale {id: $sale_id, kind: 'upgrade', member_id: m.id, from_plan: $from, plan: $to,
  price_cents: $price_cents, bv_cents: $bv_cents, occurred_at: datetime($occurred_at), accepted_at: datetime($accepted_at)})-[:OF]->(m)
RETURN count(s) AS n
