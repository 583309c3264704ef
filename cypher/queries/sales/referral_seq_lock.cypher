// Referrals of a vendor are numbered under this lock, held to the commit, so the numbers are
// committed in order and a pull's cursor never skips one.
MERGE (l:Lock {id: 'referral-seq:' + $vendor})
SET l.locked = true
RETURN 1 AS ok
