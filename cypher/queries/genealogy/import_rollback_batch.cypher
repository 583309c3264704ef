MATCH (m:Member {import_id: $id})
WITH m LIMIT $batch
OPTIONAL MATCH (g:Legs {id: m.id})
DETACH DELETE m, g
RETURN count(*) AS deleted
