MATCH (r:PayoutRun {id: $id})
RETURN r.id AS id, r.status AS status, r.period_start AS period_start, r.period_end AS period_end, r.totals AS totals,
       r.created_at AS created_at, r.created_by AS created_by, r.committed_at AS committed_at,
       r.committed_by AS committed_by, r.base AS base, r.credits AS credits
