// Activation sales by vendor and month in [$from, $to), without cancelled activations or those a
// run voided (PLAN.md §6): what the vendors' services actually brought in.
MATCH (s:Sale {kind: 'activation'})
WHERE s.occurred_at >= datetime($from) AND s.occurred_at < datetime($to)
  AND NOT coalesce(s.cancelled, false) AND s.voided_by IS NULL
RETURN s.vendor_id AS vendor, date.truncate('month', s.occurred_at) AS month, count(s) AS sales,
       sum(s.bv_cents) AS bv_cents, sum(s.cv_cents) AS cv_cents
ORDER BY month, vendor
