// Keyset paging by member id.
MATCH (st:Statement {run_id: $run})
USING INDEX st:Statement(run_id, member_id)
WHERE st.consultant AND st.member_id > $after
RETURN st.member_id AS member, st.rank AS rank, st.active AS active, st.carry_left_cents AS cl,
       st.carry_right_cents AS cr, st.lifetime_left_cents AS ll, st.lifetime_right_cents AS lr, st.total_cents AS total,
       st.status AS status, st.status_since AS since, st.effective_sponsor AS sponsor
ORDER BY st.run_id, st.member_id
LIMIT $limit
