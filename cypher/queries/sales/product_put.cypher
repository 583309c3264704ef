// A product version: the values in effect from $from on (PLAN.md §5). Putting the same
// effective_from again replaces that version.
MATCH (v:Vendor {id: $vendor})
MERGE (p:Product {key: $vendor + '/' + $sku})
ON CREATE SET p.vendor_id = $vendor, p.sku = $sku, p.created_at = datetime()
SET p.name = $name
MERGE (v)-[:SELLS]->(p)
MERGE (p)-[:VERSION]->(pv:ProductVersion {product_key: p.key, effective_from: datetime($from)})
SET pv.name = $name, pv.bv_cents = $bv, pv.cv_cents = $cv, pv.retail_cents = $retail, pv.hold_days = $hold_days,
    pv.updated_at = datetime()
RETURN p.key AS key
