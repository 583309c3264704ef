// Every consultant of the period (registered before its end, not terminated before its start)
// with its gross earnings from the committed runs whose period ended in it, and the ranks those
// runs gave it. Zero earners are rows like the others.
OPTIONAL MATCH (r:PayoutRun {status: 'committed'}) WHERE r.period_end >= datetime($from) AND r.period_end < datetime($to)
WITH collect(r.id) AS runs
MATCH (m:Member) WHERE m.plan <> 'customer' AND m.registered_at < datetime($to) AND m.id <> $exclude
OPTIONAL MATCH (m)-[:HAS_STATUS]->(t:StatusChange {status: 'terminated'})
WITH m, runs, min(t.at) AS ended
WHERE ended IS NULL OR ended >= datetime($from)
CALL (m, runs) {
  OPTIONAL MATCH (st:Statement {member_id: m.id}) WHERE st.run_id IN runs
  RETURN coalesce(sum(st.total_cents), 0) AS earned, collect(DISTINCT st.rank) AS ranks
}
RETURN m.id AS id, m.registered_at AS registered_at, ended, earned, ranks
