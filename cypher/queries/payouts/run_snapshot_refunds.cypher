// Refunds not yet accounted, with the direct lines committed runs paid for their sale (§11).
MATCH (f:Refund)-[:REFUNDS]->(s:Sale)
WHERE f.accounted_by IS NULL
RETURN f.id AS id, s.id AS sale, f.occurred_at AS occurred_at, s.accounted_by IS NOT NULL AS accounted,
       s.paid AS paid, s.accounted_by AS paid_by, s.paid_lines AS paid_list
