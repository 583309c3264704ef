// An activation is a sale attributed to S (PLAN.md §3) with the product's values as of occurred_at.
UNWIND $activations AS a
MATCH (m:Member {id: a.member})
CREATE (s:Sale {id: a.sale, kind: 'activation', vendor_id: $vendor, activation_id: a.activation, event_id: a.event,
  member_id: a.member, attributed_to: a.s, sku: a.sku, bv_cents: a.bv, cv_cents: a.cv, retail_cents: a.retail, hold_days: a.hold,
  occurred_at: datetime(a.at), accepted_at: datetime.transaction(), cancelled: false})-[:OF]->(m)
