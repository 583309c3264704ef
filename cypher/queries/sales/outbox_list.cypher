MATCH (d:Delivery)
WHERE ($vendor IS NULL OR d.vendor_id = $vendor) AND ($state IS NULL OR d.state = $state)
WITH d ORDER BY d.created_at DESC, d.id SKIP $offset LIMIT $limit
RETURN d {.*} AS d
