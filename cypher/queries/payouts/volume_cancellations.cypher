// A live-counter rebuild's cancellations: of sales no committed run has accounted (−BV), from
// the cutover on (PLAN.md §7), as volume_changes reads them.
OPTIONAL MATCH (n:Network {id: 'network'})
WITH coalesce(n.cutover, datetime('0001-01-01T00:00:00Z')) AS cutover
MATCH (c:Cancellation)-[:CANCELS]->(s:Sale)
WHERE s.accounted_by IS NULL AND s.voided_by IS NULL AND s.occurred_at >= cutover
RETURN c.id AS id, s.attributed_to AS member, -s.bv_cents AS bv, c.accepted_at.epochSeconds AS at_s, c.accepted_at.nanosecond AS at_ns,
       coalesce(s.attributed_to <> s.member_id, false) AS via_sponsor
