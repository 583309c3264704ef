MATCH (b:PayoutBatch {id: $id})
SET b.lock_tick = true
WITH b
OPTIONAL MATCH (w:Withdrawal {batch_id: b.id})
SET w.lock_tick = true
RETURN count(w) AS n
