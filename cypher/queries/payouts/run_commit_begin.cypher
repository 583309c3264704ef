// Commits are serialized by the payout lock. A draft is stale once another run was committed
// after it was made (its base is no longer the last committed run) or its period is paid.
MERGE (l:Lock {id: 'payout'})
SET l.seq = coalesce(l.seq, 0) + 1
WITH l
MATCH (r:PayoutRun {id: $id})
OPTIONAL MATCH (last:PayoutRun) WHERE last.status IN ['committed', 'committing']
WITH r, last ORDER BY last.period_end DESC
WITH r, collect(last)[0] AS last
WITH r, last, r.status = 'draft' AND coalesce(r.base, '') = coalesce(last.id, '') AS ok
FOREACH (_ IN CASE WHEN ok THEN [1] ELSE [] END |
  SET r.status = 'committing', r.committed_by = $actor, r.committed_at = datetime($at))
RETURN r.status AS status, ok, last.id AS last
