MATCH (d:Delivery {id: $id})
OPTIONAL MATCH (r:Referral {id: d.referral_id})
SET d.lock_tick = true, r.lock_tick = true
RETURN count(d) AS n
