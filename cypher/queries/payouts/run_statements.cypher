// One statement per member per run: its lines as parallel lists and, for consultants, the end state.
UNWIND $rows AS r
CREATE (:Statement {run_id: $run, member_id: r.member, consultant: r.consultant, total_cents: r.total,
  rank: r.rank, active: r.active, carry_left_cents: r.cl, carry_right_cents: r.cr, lifetime_left_cents: r.ll,
  lifetime_right_cents: r.lr, pv_cents: r.pv, l_idx: r.idx, l_type: r.type, l_amount: r.amount, l_source: r.source,
  l_gen: r.gen, l_rev: r.rev, l_vendor: r.vendor, l_base: r.base, l_rate: r.rate, l_skip: r.skip, l_comp: r.comp,
  l_detail: r.detail, status: r.status, status_since: CASE WHEN r.since IS NULL THEN null ELSE datetime(r.since) END,
  effective_sponsor: r.sponsor})
