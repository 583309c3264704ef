// Removes a superseded draft's statements, a batch at a time.
MATCH (n:Statement {run_id: $run})
WITH n LIMIT $batch
DETACH DELETE n
RETURN count(*) AS deleted
