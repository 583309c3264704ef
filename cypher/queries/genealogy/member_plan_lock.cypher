// First statement of a plan change (an upgrade or a refund, PLAN.md §11): writing the member takes
// its exclusive lock, and the next statement of the transaction reads the plan as the last
// committed change left it. (Read in the same statement as the lock, the plan could be the one
// seen before a racing change committed.)
MATCH (m:Member {id: $id})
SET m.plan_lock = true
RETURN count(m) AS n
