MATCH (r:PayoutRun {status: 'committing'})
RETURN r.id AS id
