// A draft is 'writing' until all its statements and its freeze are stored; only then can it be
// committed, so a half-written draft can never pay part of a run.
CREATE (:PayoutRun {id: $id, status: 'writing', period_start: CASE WHEN $start IS NULL THEN null ELSE datetime($start) END,
  period_end: datetime($end), created_at: datetime($created_at), created_by: $actor, base: $base, totals: $totals})
