// Superseded drafts that still hold statements or a freeze.
MATCH (r:PayoutRun {status: 'superseded'})
WHERE EXISTS { MATCH (n:Statement {run_id: r.id}) } OR EXISTS { MATCH (f:RunFreeze {run_id: r.id}) }
RETURN r.id AS id
