// Sales accepted at or after $since and before $until that run_snapshot_sales would list (a
// confirmed pack is accepted when confirmed). Bounded above: an open range chased the sales
// committed while it was read, and under full ingest never caught up (18-83 s reads, #19).
// The sales whose node ids are in $known were read before (payouts.Delta): the range's index
// gives their ids without reading them.
MATCH (s:Sale)
WHERE s.accepted_at >= datetime($since) AND s.accepted_at < datetime($until) AND NOT id(s) IN $known
  AND s.voided_by IS NULL AND s.pending IS NULL AND (s.accounted_by IS NULL OR s.occurred_at >= datetime($window))
RETURN s.id AS id, s.kind AS kind, s.member_id AS member, s.occurred_at.epochSeconds AS occurred_s, s.occurred_at.nanosecond AS occurred_ns,
       coalesce(s.price_cents, 0) AS price, coalesce(s.bv_cents, 0) AS bv, coalesce(s.cv_cents, 0) AS cv,
       coalesce(s.retail_cents, 0) AS retail, s.vendor_id AS vendor, s.plan AS plan, s.accounted_by IS NOT NULL AS accounted,
       coalesce(s.hold_days, 0) AS hold_days, id(s) AS node
