CREATE (:PayoutRun {id: $id, status: 'draft', period_start: CASE WHEN $start IS NULL THEN null ELSE datetime($start) END,
  period_end: datetime($end), created_at: datetime($created_at), created_by: $actor, base: $base, totals: $totals})
