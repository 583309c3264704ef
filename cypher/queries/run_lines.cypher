MATCH (st:Statement {run_id: $run})
WITH st ORDER BY st.member_id
UNWIND range(0, size(st.l_idx) - 1) AS k
RETURN st.member_id AS member, st.l_idx[k] AS idx, st.l_type[k] AS type, st.l_amount[k] AS amount,
       st.l_source[k] AS source, st.l_gen[k] AS gen, st.l_rev[k] AS rev, st.l_vendor[k] AS vendor
SKIP $offset LIMIT $limit
