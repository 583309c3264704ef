// Cancellations not yet accounted, with what committed runs paid for their activation.
MATCH (c:Cancellation)-[:CANCELS]->(s:Sale)
WHERE c.accounted_by IS NULL
RETURN c.id AS id, s.id AS sale, c.occurred_at AS occurred_at, s.accounted_by IS NOT NULL AS accounted,
       s.vendor_id AS vendor, s.paid AS paid, s.accounted_by AS paid_by, s.paid_lines AS paid_list
