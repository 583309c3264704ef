MATCH (e:LedgerEntry {import_id: $id})
WITH e LIMIT $batch
DELETE e
RETURN count(*) AS deleted
