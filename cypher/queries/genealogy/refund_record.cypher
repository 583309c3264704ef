// Records a refund (PLAN.md §11). It runs after member_plan_lock in the same transaction, so a
// refund racing another refund or an upgrade of the same member sees it and writes nothing; a
// sale is refunded at most once.
MATCH (m:Member {id: $member})
SET m.plan_lock = true
WITH m
MATCH (s:Sale {id: $sale})
CALL {
  WITH m, s
  WITH m, s WHERE m.plan = $from AND NOT EXISTS { MATCH (:Refund)-[:REFUNDS]->(s) }
  SET m.plan = $plan_after
  CREATE (f:Refund {id: $id, sale_id: s.id, member_id: m.id, occurred_at: datetime($occurred_at), plan_after: $plan_after,
    reason: $reason, actor: $actor, recorded_at: datetime($recorded_at)})-[:REFUNDS]->(s)
  RETURN count(f) AS n
}
REMOVE m.plan_lock
RETURN n
