MATCH (f:RunFreeze {run_id: $run})
RETURN f.seq AS seq
ORDER BY seq
