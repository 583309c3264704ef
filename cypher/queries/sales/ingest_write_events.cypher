// Every accepted raw event, for audit.
UNWIND $events AS e
CREATE (:Event {key: $vendor + '/' + e.id, vendor_id: $vendor, id: e.id, type: e.type,
  occurred_at: datetime(e.at), received_at: datetime($received), payload: e.payload})
