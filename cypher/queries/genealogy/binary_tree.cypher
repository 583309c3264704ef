// The placement subtree under $id to $depth levels (at most 10), breadth-first, left before
// right, paged.
MATCH (m:Member {id: $id})
CALL () {
  OPTIONAL MATCH (r:PayoutRun {status: 'committed'})
  RETURN r.id AS state_run ORDER BY r.period_end DESC LIMIT 1
}
MATCH path = (m)-[:LEFT|RIGHT*0..10]->(d)
WHERE length(path) <= $depth
WITH d, state_run, length(path) AS level,
     reduce(pos = 0, r IN relationships(path) | pos * 2 + CASE type(r) WHEN 'RIGHT' THEN 1 ELSE 0 END) AS pos
WITH d, level, pos, state_run ORDER BY level, pos SKIP $offset LIMIT $limit
// Carry as of the last committed run: the statement there (see run_snapshot_members).
OPTIONAL MATCH (st:Statement {run_id: state_run, member_id: d.id})
RETURN d.id AS id, d.name AS name, d.plan AS plan, coalesce(d.rank, 'none') AS rank, d.sponsor_id AS sponsor_id,
       d.parent_id AS parent_id, d.leg AS leg, level,
       coalesce(st.carry_left_cents, d.carry_left_cents, 0) AS cl, coalesce(st.carry_right_cents, d.carry_right_cents, 0) AS cr
ORDER BY level, pos
