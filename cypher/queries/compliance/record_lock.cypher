// The member's record, created if missing, and locked for the rest of the transaction (the
// unique member_id makes two first writers meet on one node).
MATCH (m:Member {id: $id})
MERGE (c:Compliance {member_id: m.id})
MERGE (m)-[:COMPLIANCE]->(c)
SET c.lock_tick = true
RETURN m.id AS id
