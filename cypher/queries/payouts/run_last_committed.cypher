// A run being committed counts as committed: its commit always finishes.
MATCH (r:PayoutRun) WHERE r.status IN ['committed', 'committing']
RETURN r.id AS id, r.period_end AS period_end
ORDER BY r.period_end DESC
LIMIT 1
