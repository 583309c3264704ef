// An activation is a sale attributed to S (PLAN.md §3) with the product's values as of occurred_at.
// The batch comes as one list per property, so halod builds no map for each activation (#19).
UNWIND range(0, size($sales) - 1) AS i
MATCH (m:Member {id: $members[i]})
CREATE (s:Sale {id: $sales[i], kind: 'activation', vendor_id: $vendor, activation_id: $activations[i], event_id: $events[i],
  member_id: $members[i], attributed_to: $attributed[i], sku: $skus[i], bv_cents: $bv[i], cv_cents: $cv[i],
  retail_cents: $retail[i], hold_days: $hold[i], occurred_at: datetime($ats[i]), accepted_at: datetime.transaction(),
  cancelled: false})-[:OF]->(m)
