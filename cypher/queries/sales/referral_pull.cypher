MATCH (r:Referral) WHERE r.vendor_id = $vendor AND r.seq > $after
WITH r ORDER BY r.seq LIMIT $limit
OPTIONAL MATCH (r)-[:DELIVERY]->(d:Delivery)
CALL (r, d) {
  WITH r, d WHERE r.status = 'submitted'
  SET r.status = 'delivered', r.updated_at = datetime($now)
  CREATE (r)-[:CHANGED]->(:ReferralChange {status: 'delivered', at: datetime($now), source: 'halo', note: 'pulled by the vendor', recorded: datetime($now)})
  WITH d WHERE d IS NOT NULL AND d.state <> 'delivered'
  SET d.state = 'delivered', d.delivered_at = datetime($now), d.via = 'pull'
}
RETURN r {.*} AS r, null AS vendor_name, null AS delivery, [] AS history
ORDER BY r.seq
