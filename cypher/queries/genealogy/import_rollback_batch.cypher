MATCH (m:Member {import_id: $id})
WITH m LIMIT $batch
DETACH DELETE m
RETURN count(*) AS deleted
