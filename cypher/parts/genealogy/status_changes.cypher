// A member's status changes (PLAN.md §10), from `m`, in recording order (`changes`).
CALL (m) {
  OPTIONAL MATCH (m)-[:HAS_STATUS]->(c:StatusChange)
  WITH c ORDER BY c.seq
  RETURN [x IN collect(c) | {status: x.status, at: x.at, reason: x.reason, recorded_at: x.recorded_at, seq: x.seq}] AS changes
}
