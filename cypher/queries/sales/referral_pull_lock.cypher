// A pull marks what it returns delivered; it locks those referrals first so a vendor's answer
// (accepted, rejected) written meanwhile is never overwritten.
MATCH (r:Referral) WHERE r.vendor_id = $vendor AND r.seq > $after
WITH r ORDER BY r.seq LIMIT $limit
SET r.lock_tick = true
RETURN count(r) AS n
