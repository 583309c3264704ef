// The withdrawals a batch is about to take are locked before they are checked, so a decision on
// one of them (a rejection) either lands before and is seen, or waits for the batch.
UNWIND $ids AS id
MATCH (w:Withdrawal {id: id})
SET w.lock_tick = true
RETURN count(w) AS n
