MATCH (r:RejectedEvent) WHERE r.received_at >= datetime($since)
RETURN count(r) AS n
