// Taken by every pass that writes leg counts (the recount's steps and the adding pass), so two
// replicas never add the same placement twice. The recount claims it with its token.
MERGE (k:Lock {id: 'legs'})
SET k.seq = coalesce(k.seq, 0) + 1, k.recount = CASE WHEN $claim IS NULL THEN k.recount ELSE $claim END
RETURN coalesce(k.counted, false) AS counted, k.recount AS recount,
       EXISTS { MATCH (:Import {status: 'running'}) } AS importing
