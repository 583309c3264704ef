// Taken first by every placement transaction and held until it commits (PLAN.md §2: each
// parent has at most one child per leg).
MERGE (l:Lock {id: 'placement'})
SET l.seq = coalesce(l.seq, 0) + 1
RETURN l.seq AS seq
