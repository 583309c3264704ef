// One block of a live-counter rebuild: the next $limit sales in acceptance order from $from on
// (the range index gives that order, so a block costs $limit index entries however large the
// network), with the open-period changes among them, as volume_changes decides them (PLAN.md
// §3, §7, §11). `n` and `last` say how far the block went, even when none of it is open: after
// a commit almost nothing is.
OPTIONAL MATCH (net:Network {id: 'network'})
WITH coalesce(net.cutover, datetime('0001-01-01T00:00:00Z')) AS cutover
CALL () {
  MATCH (s:Sale) WHERE s.accepted_at >= datetime($from)
  WITH s ORDER BY s.accepted_at LIMIT $limit
  RETURN collect(s) AS block
}
WITH cutover, block, size(block) AS n, block[-1].accepted_at AS last
UNWIND block AS s
WITH n, last, s,
     s.accounted_by IS NULL AND s.occurred_at >= cutover AND s.pending IS NULL AND s.voided_by IS NULL
       AND NOT EXISTS { MATCH (:Refund)-[:REFUNDS]->(s) } AS open
RETURN n, last,
       collect(CASE WHEN open THEN {id: s.id, member: coalesce(s.attributed_to, s.member_id), bv: s.bv_cents, at: s.accepted_at,
         via_sponsor: coalesce(s.attributed_to <> s.member_id, false)} END) AS rows
