MATCH (v:Vendor {id: $id})
SET v.webhook_url = $url, v.referral_expiry_days = $days, v.deliveries_paused = $paused
RETURN count(v) AS n
