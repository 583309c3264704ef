OPTIONAL MATCH (a:Admin {id: $id})
OPTIONAL MATCH (m:Member {id: $id})
RETURN a.id AS admin_id, a.email AS admin_email, a.password_hash AS admin_hash,
       m.id AS member_id, m.email AS member_email, m.password_hash AS member_hash, m.plan AS plan
