MATCH (b:PayoutBatch)
WITH b ORDER BY b.number DESC SKIP $offset LIMIT $limit
RETURN b {.*, effective_date: datetime({date: b.effective_date})} AS b
