// Records a status change only if the member's history is still the one it was decided on: the
// SET takes the member's write lock first, so of two racing changes the second sees the first.
MATCH (m:Member {id: $id})
SET m._status_lock = true
WITH m
OPTIONAL MATCH (m)-[:HAS_STATUS]->(prev:StatusChange)
WITH m, count(prev) AS n
WHERE n = $seq - 1
CREATE (m)-[:HAS_STATUS]->(c:StatusChange {member_id: m.id, status: $status, at: datetime($at), reason: $reason,
  actor: $actor, recorded_at: datetime($recorded_at), seq: $seq})
REMOVE m._status_lock
RETURN count(c) AS n
