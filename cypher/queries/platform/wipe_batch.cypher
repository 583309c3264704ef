// Test stacks only (store.WipeForTests): delete up to $batch nodes and their relationships.
MATCH (n) WITH n LIMIT $batch
DETACH DELETE n
RETURN count(*) AS deleted
