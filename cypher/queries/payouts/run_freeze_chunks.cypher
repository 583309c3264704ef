// A chunk drafted since issue #19 lists the run's promotions (`promoted`, maybe empty); a draft
// from before has none, and its commit copies every state the old way (run_commit_states).
MATCH (f:RunFreeze {run_id: $run})
RETURN f.seq AS seq, f.promoted IS NOT NULL AS listed
ORDER BY seq
