CREATE INDEX rejected_event_received IF NOT EXISTS FOR (r:RejectedEvent) ON (r.received_at)
