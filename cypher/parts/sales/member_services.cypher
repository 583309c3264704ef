// Which services a member (`m`) holds from which vendor, with status and the product's current
// name, oldest first (`services`), and the vendors serving it (`vendors`).
CALL (m) {
  OPTIONAL MATCH (s:Sale {kind: 'activation', member_id: m.id})
  WITH s ORDER BY s.occurred_at
  RETURN collect(CASE WHEN s IS NULL THEN null ELSE {activation_id: s.activation_id, vendor: s.vendor_id, sku: s.sku,
    product: COLLECT { MATCH (:Product {key: s.vendor_id + '/' + s.sku})-[:VERSION]->(pv:ProductVersion) RETURN pv.name ORDER BY pv.effective_from DESC LIMIT 1 }[0],
    activated_at: s.occurred_at, cancelled: coalesce(s.cancelled, false), cancelled_at: s.cancelled_at} END) AS services
}
CALL (m) {
  OPTIONAL MATCH (v:Vendor)-[r:SERVES]->(m)
  RETURN collect(CASE WHEN v IS NULL THEN null ELSE {vendor: v.id, since: r.since} END) AS vendors
}
