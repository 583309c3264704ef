// Keyset paging: statements with lines, in member order from $member on; within $member from
// line position $k on. The (run_id, member_id) index serves the order, however deep the page.
MATCH (st:Statement {run_id: $run})
WHERE st.member_id >= $member AND size(st.l_idx) > 0
WITH st ORDER BY st.member_id LIMIT $limit
UNWIND range(CASE WHEN st.member_id = $member THEN $k ELSE 0 END, size(st.l_idx) - 1) AS k
RETURN st.member_id AS member, k AS pos, st.l_idx[k] AS idx, st.l_type[k] AS type, st.l_amount[k] AS amount,
       st.l_source[k] AS source, st.l_gen[k] AS gen, st.l_rev[k] AS rev, st.l_vendor[k] AS vendor
LIMIT $limit
