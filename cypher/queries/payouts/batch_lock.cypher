// Batches are created one at a time: numbered in order, and a withdrawal lands in one batch only.
MERGE (l:Lock {id: 'payout-batch'})
SET l.locked = true
RETURN 1 AS ok
