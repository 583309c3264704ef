MATCH (r:PayoutRun {id: $id})
SET r.earnings_written = true
