// Has the network sales of its own? A committed (or committing) run, or a sale of any member with
// a sponsor (the root's own pack exists from the start).
RETURN EXISTS { MATCH (r:PayoutRun) WHERE r.status IN ['committed', 'committing'] } OR
       EXISTS { MATCH (s:Sale)-[:OF]->(m:Member) WHERE m.sponsor_id IS NOT NULL } AS live
