// Demo vendors and products (PLAN.md §5), created once; existing ones are left alone.
UNWIND $products AS p
MERGE (v:Vendor {id: p.vendor})
ON CREATE SET v.name = p.vendor_name, v.active = true, v.created_at = datetime(), v.demo = true
MERGE (pr:Product {key: p.vendor + '/' + p.sku})
ON CREATE SET pr.vendor_id = p.vendor, pr.sku = p.sku, pr.name = p.name, pr.created_at = datetime(),
  pr.bv_cents = p.bv, pr.cv_cents = p.cv, pr.retail_cents = p.retail, pr.effective_from = datetime(p.from)
MERGE (v)-[:SELLS]->(pr)
