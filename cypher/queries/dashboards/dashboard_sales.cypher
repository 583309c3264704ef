// Sales and BV by vendor (packs and upgrades under "plan") and month, newest first.
MATCH (s:Sale)
WHERE s.pending IS NULL AND s.voided_by IS NULL
WITH coalesce(s.vendor_id, 'plan') AS vendor, s.occurred_at.year AS year, s.occurred_at.month AS month, s
RETURN vendor, year, month, count(s) AS sales, sum(s.bv_cents) AS bv,
       sum(coalesce(s.price_cents, 0) + coalesce(s.cv_cents, 0)) AS value
ORDER BY year DESC, month DESC, vendor
LIMIT $limit
