// A batch of a committed run's statements, in member order, for its analysts' earnings.
MATCH (st:Statement {run_id: $run})
WHERE st.member_id > $after
WITH st ORDER BY st.member_id LIMIT $batch
RETURN st.member_id AS member, st.lines AS lines, st.l_idx AS idx, st.l_type AS type, st.l_amount AS amount, st.l_vendor AS vendor
