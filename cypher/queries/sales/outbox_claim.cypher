// Due rows of vendors whose deliveries are not paused, oldest first.
MATCH (d:Delivery) WHERE d.state = 'pending' AND d.next_at <= datetime($now)
  AND NOT d.vendor_id IN $paused
WITH d ORDER BY d.next_at LIMIT $limit
SET d.next_at = datetime($lease), d.claim = $claim
RETURN d.id AS id, d.vendor_id AS vendor_id, d.referral_id AS referral_id, d.attempts AS attempts, d.body AS body,
       d.created_at AS created_at
