// Due rows of vendors whose deliveries are not paused, oldest first, each with its vendor's
// webhook URL (one read for the batch, not one per delivery).
MATCH (d:Delivery) WHERE d.state = 'pending' AND d.next_at <= datetime($now)
  AND NOT d.vendor_id IN $paused
WITH d ORDER BY d.next_at LIMIT $limit
SET d.next_at = datetime($lease), d.claim = $claim
WITH d
OPTIONAL MATCH (v:Vendor {id: d.vendor_id})
RETURN d.id AS id, d.vendor_id AS vendor_id, d.referral_id AS referral_id, d.attempts AS attempts, d.body AS body,
       d.created_at AS created_at, coalesce(v.webhook_url, '') AS webhook_url
