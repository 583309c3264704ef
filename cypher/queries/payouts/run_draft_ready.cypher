MATCH (r:PayoutRun {id: $id, status: 'writing'})
SET r.status = 'draft'
RETURN count(r) AS n
