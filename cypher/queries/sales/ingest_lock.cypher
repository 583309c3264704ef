// A batch holds its vendor's lock for the whole load-decide-write transaction, so two batches of
// one vendor never race (duplicates, double cancellations); signups also take the signup lock,
// since two vendors may sign up the same customer.
MERGE (l:Lock {id: 'ingest:' + $vendor})
SET l.seq = coalesce(l.seq, 0) + 1
WITH l
CALL (l) {
  WITH l WHERE $signups
  MERGE (g:Lock {id: 'signup'})
  SET g.seq = coalesce(g.seq, 0) + 1
}
RETURN 1 AS ok
