// A consultant's activations still inside their product's rescission window or waiting for the
// run after it (PLAN.md §9): attributed to it, not accounted, not void, not cancelled.
MATCH (s:Sale {attributed_to: $id}) USING INDEX s:Sale(attributed_to)
WHERE s.kind = 'activation' AND s.accounted_by IS NULL AND s.voided_by IS NULL AND coalesce(s.hold_days, 0) > 0
  AND NOT EXISTS { MATCH (:Cancellation)-[:CANCELS]->(s) }
RETURN s.id AS id, s.member_id AS member, s.vendor_id AS vendor, coalesce(s.bv_cents, 0) AS bv, s.occurred_at AS occurred_at,
       s.hold_days AS hold_days
ORDER BY s.occurred_at, s.id
LIMIT $limit
