// Referrals a batch reads are locked first (a delivery marking one delivered waits), so the
// status the batch decides on is the one it writes over.
UNWIND $ids AS id
MATCH (r:Referral {id: id})
SET r.lock_tick = true
RETURN count(r) AS n
