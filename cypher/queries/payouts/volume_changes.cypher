// Open-period volume changes accepted at or after $since: sales no committed run has accounted
// (+BV at S) and cancellations of such sales (−BV), from the cutover on (PLAN.md §3, §7). A
// refunded pack or upgrade no run has paid is void (§11) and counts no more.
OPTIONAL MATCH (n:Network {id: 'network'})
WITH coalesce(n.cutover, datetime('0001-01-01T00:00:00Z')) AS cutover
CALL (cutover) {
  MATCH (s:Sale) WHERE s.accepted_at >= datetime($since) AND s.accounted_by IS NULL AND s.occurred_at >= cutover
    AND s.pending IS NULL AND s.voided_by IS NULL AND NOT EXISTS { MATCH (:Refund)-[:REFUNDS]->(s) }
  RETURN s.id AS id, coalesce(s.attributed_to, s.member_id) AS member, s.bv_cents AS bv, s.accepted_at AS at,
         coalesce(s.attributed_to <> s.member_id, false) AS via_sponsor
  UNION ALL
  MATCH (c:Cancellation)-[:CANCELS]->(s:Sale)
  WHERE c.accepted_at >= datetime($since) AND s.accounted_by IS NULL AND s.voided_by IS NULL AND s.occurred_at >= cutover
  RETURN c.id AS id, s.attributed_to AS member, -s.bv_cents AS bv, c.accepted_at AS at,
         coalesce(s.attributed_to <> s.member_id, false) AS via_sponsor
}
// The time as two integers: a datetime arrives in Go with a time zone of its own, allocated for
// every row of every second's read (issue #19).
RETURN id, member, bv, at.epochSeconds AS at_s, at.nanosecond AS at_ns, via_sponsor
