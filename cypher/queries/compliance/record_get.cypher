MATCH (m:Member {id: $id})
OPTIONAL MATCH (c:Compliance {member_id: m.id})
RETURN m.id AS id, c {.*} AS c
