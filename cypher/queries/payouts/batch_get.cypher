MATCH (b:PayoutBatch {id: $id})
RETURN b {.*, effective_date: datetime({date: b.effective_date})} AS b
