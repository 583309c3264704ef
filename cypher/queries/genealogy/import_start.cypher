// One import at a time: the import lock serializes starts, then no other may be running.
MERGE (l:Lock {id: 'import'})
SET l.seq = coalesce(l.seq, 0) + 1
WITH l
OPTIONAL MATCH (r:Import {status: 'running'})
WITH count(r) AS running
WHERE running = 0
CREATE (i:Import {id: $id, status: 'running', lines_total: $total, lines_written: $skipped, lines_skipped: $skipped,
  started_at: datetime($started_at), created_by: $actor})
WITH i
CALL (i) {
  WITH i WHERE $cutover IS NOT NULL
  MERGE (n:Network {id: 'network'})
  ON CREATE SET n.cutover = datetime($cutover), n.cutover_import = i.id
}
RETURN i.id AS id
