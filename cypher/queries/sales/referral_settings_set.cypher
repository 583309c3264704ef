MATCH (v:Vendor {id: $id})
SET v.webhook_url = $url, v.referral_expiry_days = $days
RETURN count(v) AS n
