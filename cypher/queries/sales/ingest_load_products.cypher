UNWIND $skus AS sku
MATCH (:Product {key: $vendor + '/' + sku})-[:VERSION]->(pv:ProductVersion)
WITH sku, pv ORDER BY pv.effective_from
RETURN sku, collect({bv: pv.bv_cents, cv: pv.cv_cents, retail: pv.retail_cents, hold_days: coalesce(pv.hold_days, 0),
       from: pv.effective_from}) AS versions
