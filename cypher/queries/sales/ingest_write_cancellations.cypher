// Whether it voids or claws back is decided by the run that accounts it (PLAN.md §6).
UNWIND $cancellations AS c
MATCH (s:Sale {id: c.sale})
SET s.cancelled = true, s.cancelled_at = datetime(c.at), s.cancellation_id = c.id
CREATE (:Cancellation {id: c.id, vendor_id: $vendor, event_id: c.event, sale_id: c.sale, occurred_at: datetime(c.at),
  accepted_at: datetime.transaction()})-[:CANCELS]->(s)
