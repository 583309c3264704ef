MATCH (r:Referral {id: $id})
OPTIONAL MATCH (v:Vendor {id: r.vendor_id})
OPTIONAL MATCH (r)-[:DELIVERY]->(d:Delivery)
CALL (r) {
  OPTIONAL MATCH (r)-[:CHANGED]->(c:ReferralChange)
  WITH c ORDER BY c.recorded, coalesce(c.ord, 0), c.at
  RETURN collect(c {.status, .at, .source, .event_id, .note}) AS history
}
RETURN r {.*} AS r, v.name AS vendor_name, d {.id, .state, .attempts, .delivered_at, .via} AS delivery, history
