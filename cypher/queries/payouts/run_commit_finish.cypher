MATCH (r:PayoutRun {id: $id})
SET r.status = 'committed'
