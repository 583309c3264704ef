// Keyset paging: the statements with lines from $member on, in member order; the store pages
// their lines. The (run_id, member_id) index serves the order, however deep the page. Statements
// written before `lines` existed carry parallel lists instead.
MATCH (st:Statement {run_id: $run})
USING INDEX st:Statement(run_id, member_id)
WHERE st.member_id >= $member AND (st.lines IS NOT NULL OR size(coalesce(st.l_idx, [])) > 0)
WITH st ORDER BY st.run_id, st.member_id LIMIT $limit
RETURN st.member_id AS member, st.lines AS lines, st.l_idx AS idx, st.l_type AS type, st.l_amount AS amount,
       st.l_source AS source, st.l_gen AS gen, st.l_rev AS rev, st.l_vendor AS vendor
