// One statement per member per run: its lines packed in one string (store/payouts_lines.go) and,
// for consultants, the end state.
UNWIND $rows AS r
CREATE (:Statement {run_id: $run, member_id: r.member, consultant: r.consultant, total_cents: r.total,
  rank: r.rank, active: r.active, carry_left_cents: r.cl, carry_right_cents: r.cr, lifetime_left_cents: r.ll,
  lifetime_right_cents: r.lr, pv_cents: r.pv, lines: r.lines,
  status: r.status, status_since: CASE WHEN r.since IS NULL THEN null ELSE datetime(r.since) END,
  effective_sponsor: r.sponsor})
