// Only for a draft made before issue #19 (its freeze lists no promotions): copies the run's end
// states to the members, as commits did then. Since, the next run reads the state from the
// committed run's statements (run_snapshot_members) and a commit writes only promoted ranks.
// Only states that moved are written. n counts the batch, written or not.
MATCH (st:Statement {run_id: $run})
WHERE st.consultant AND st.member_id > $after
WITH st ORDER BY st.member_id LIMIT $batch
MATCH (m:Member {id: st.member_id})
WITH st, m, (m.rank IS NULL OR m.rank <> st.rank OR m.carry_left_cents IS NULL OR m.carry_left_cents <> st.carry_left_cents
  OR m.carry_right_cents IS NULL OR m.carry_right_cents <> st.carry_right_cents
  OR m.lifetime_left_cents IS NULL OR m.lifetime_left_cents <> st.lifetime_left_cents
  OR m.lifetime_right_cents IS NULL OR m.lifetime_right_cents <> st.lifetime_right_cents) AS moved
FOREACH (_ IN CASE WHEN moved THEN [1] ELSE [] END |
  SET m.rank = st.rank, m.carry_left_cents = st.carry_left_cents, m.carry_right_cents = st.carry_right_cents,
      m.lifetime_left_cents = st.lifetime_left_cents, m.lifetime_right_cents = st.lifetime_right_cents)
RETURN max(st.member_id) AS last, count(st) AS n
