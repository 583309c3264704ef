// Committed runs whose analysts' earnings are not written yet, oldest first.
MATCH (r:PayoutRun {status: 'committed'})
WHERE r.earnings_written IS NULL
RETURN r.id AS id, r.period_end AS period_end
ORDER BY r.period_end
