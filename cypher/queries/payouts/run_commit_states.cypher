// The run's end state becomes each consultant's state for the next run (PLAN.md §4).
MATCH (st:Statement {run_id: $run})
WHERE st.consultant AND st.member_id > $after
WITH st ORDER BY st.member_id LIMIT $batch
MATCH (m:Member {id: st.member_id})
SET m.rank = st.rank, m.carry_left_cents = st.carry_left_cents, m.carry_right_cents = st.carry_right_cents,
    m.lifetime_left_cents = st.lifetime_left_cents, m.lifetime_right_cents = st.lifetime_right_cents, m.state_run = $run
RETURN max(st.member_id) AS last, count(st) AS n
