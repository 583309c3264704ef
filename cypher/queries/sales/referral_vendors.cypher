MATCH (v:Vendor)
OPTIONAL MATCH (v)-[:SELLS]->(p:Product)
WITH v, collect([p.sku, p.name]) AS products
RETURN v.id AS id, v.name AS name, v.active AS active, coalesce(v.webhook_url, '') AS webhook_url,
       coalesce(v.referral_expiry_days, 0) AS expiry_days, coalesce(v.deliveries_paused, false) AS paused, products
ORDER BY v.name, v.id
