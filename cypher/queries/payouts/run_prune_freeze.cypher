MATCH (f:RunFreeze {run_id: $run})
DETACH DELETE f
RETURN count(*) AS deleted
