MATCH (:Vendor {id: $vendor})-[:SELLS]->(p:Product)-[:VERSION]->(pv:ProductVersion)
WITH p, pv ORDER BY pv.effective_from
RETURN p.sku AS sku, collect({name: pv.name, bv: pv.bv_cents, cv: pv.cv_cents, retail: pv.retail_cents,
       hold_days: coalesce(pv.hold_days, 0), from: pv.effective_from}) AS versions
ORDER BY sku
