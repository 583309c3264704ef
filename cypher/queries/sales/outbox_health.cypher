MATCH (v:Vendor)
OPTIONAL MATCH (d:Delivery {vendor_id: v.id})
WITH v, d
RETURN v.id AS vendor_id, coalesce(v.webhook_url, '') AS webhook_url, coalesce(v.deliveries_paused, false) AS paused,
  count(CASE WHEN d.state = 'pending' AND d.attempts = 0 THEN 1 END) AS pending,
  count(CASE WHEN d.state = 'pending' AND d.attempts > 0 THEN 1 END) AS retrying,
  count(CASE WHEN d.state = 'dead' THEN 1 END) AS dead,
  count(CASE WHEN d.state = 'delivered' THEN 1 END) AS delivered,
  count(CASE WHEN d.state = 'pull' THEN 1 END) AS awaiting_pull,
  min(CASE WHEN d.state IN ['pending', 'pull'] THEN d.created_at END) AS oldest_pending_at,
  [x IN collect(CASE WHEN d.state = 'delivered' AND d.delivered_at >= datetime($since)
     THEN duration.inSeconds(d.created_at, d.delivered_at).milliseconds END) WHERE x IS NOT NULL] AS latencies
ORDER BY vendor_id
