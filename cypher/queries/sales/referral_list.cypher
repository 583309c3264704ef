// A member's referrals (owned or submitted), or all of them for admins; newest first.
CALL () {
  WITH $member AS m WHERE m IS NOT NULL
  MATCH (r:Referral {owner_id: m}) RETURN r
  UNION
  WITH $member AS m WHERE m IS NOT NULL
  MATCH (r:Referral {submitted_by: m}) RETURN r
  UNION
  WITH $member AS m WHERE m IS NULL
  MATCH (r:Referral) RETURN r
}
WITH r WHERE ($vendor IS NULL OR r.vendor_id = $vendor) AND ($status IS NULL OR r.status = $status)
WITH r ORDER BY r.created_at DESC, r.id SKIP $offset LIMIT $limit
OPTIONAL MATCH (v:Vendor {id: r.vendor_id})
OPTIONAL MATCH (r)-[:DELIVERY]->(d:Delivery)
RETURN r {.*} AS r, v.name AS vendor_name, d {.id, .state, .attempts, .delivered_at, .via} AS delivery, [] AS history
