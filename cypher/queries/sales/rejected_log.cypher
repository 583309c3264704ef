// The audit log of refused events (not the event store: a rejected id stays free).
UNWIND $rows AS r
CREATE (:RejectedEvent {vendor_id: r.vendor, event_id: r.event, type: r.type, code: r.code, message: r.message,
  received_at: datetime(r.at), payload: r.payload})
