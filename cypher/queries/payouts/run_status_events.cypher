// Every recorded status change, for the run's snapshot (PLAN.md §10: the engine keeps those
// dated before the period end).
MATCH (c:StatusChange)
RETURN c.member_id AS member, c.status AS status, c.at AS at, c.seq AS seq
