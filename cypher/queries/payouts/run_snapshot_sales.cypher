// Sales no committed run has accounted, and accounted ones inside the activity window; voided
// activations never count again (PLAN.md §3, §6); a pending pack is no sale yet.
MATCH (s:Sale)
WHERE s.voided_by IS NULL AND s.pending IS NULL AND (s.accounted_by IS NULL OR s.occurred_at >= datetime($window))
RETURN s.id AS id, s.kind AS kind, s.member_id AS member, s.occurred_at.epochSeconds AS occurred_s, s.occurred_at.nanosecond AS occurred_ns,
       coalesce(s.price_cents, 0) AS price, coalesce(s.bv_cents, 0) AS bv, coalesce(s.cv_cents, 0) AS cv,
       coalesce(s.retail_cents, 0) AS retail, s.vendor_id AS vendor, s.plan AS plan, s.accounted_by IS NOT NULL AS accounted,
       coalesce(s.hold_days, 0) AS hold_days, id(s) AS node
