MATCH (r:RejectedEvent)
WHERE $vendor IS NULL OR r.vendor_id = $vendor
RETURN r.vendor_id AS vendor_id, r.event_id AS event_id, r.type AS type, r.code AS code, r.message AS message,
       r.received_at AS received_at, r.payload AS payload
ORDER BY r.received_at DESC, r.event_id
SKIP $offset LIMIT $limit
