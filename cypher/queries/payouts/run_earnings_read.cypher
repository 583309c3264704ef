// A batch of a committed run's statements, in member order, for its analysts' earnings. The
// order is the (run_id, member_id) index's own, so a batch reads $batch entries of it: sorted
// after the seek, every batch read all the run's statements left (200,000 index entries at
// 200,000 consultants, a core of Neo4j for a while each time, beside the dashboards; issue #19).
MATCH (st:Statement {run_id: $run})
USING INDEX st:Statement(run_id, member_id)
WHERE st.member_id > $after
WITH st ORDER BY st.run_id, st.member_id LIMIT $batch
RETURN st.member_id AS member, st.lines AS lines, st.l_idx AS idx, st.l_type AS type, st.l_amount AS amount, st.l_vendor AS vendor
