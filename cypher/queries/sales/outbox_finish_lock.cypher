// Locks in the order every writer of referrals takes them, the referral before its delivery
// (ingest and the vendors' pull do the same), so they never deadlock.
MATCH (d:Delivery {id: $id})
OPTIONAL MATCH (r:Referral {id: d.referral_id})
SET r.lock_tick = true
WITH d
SET d.lock_tick = true
RETURN count(d) AS n
