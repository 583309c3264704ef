// Lifetime leg volume as of the last committed run: the sponsor's statement there, or what the
// member holds without one (an opening state, or a state copied by commits before issue #19).
MATCH (s:Member {id: $sponsor})
CALL () {
  OPTIONAL MATCH (r:PayoutRun {status: 'committed'})
  RETURN r.id AS state_run ORDER BY r.period_end DESC LIMIT 1
}
OPTIONAL MATCH (st:Statement {run_id: state_run, member_id: s.id})
RETURN coalesce(st.lifetime_left_cents, s.lifetime_left_cents, 0) AS left_bv,
       coalesce(st.lifetime_right_cents, s.lifetime_right_cents, 0) AS right_bv
