OPTIONAL MATCH (a:Admin {email: $email})
OPTIONAL MATCH (m:Member {email: $email})
RETURN a.id AS admin_id, a.password_hash AS admin_hash,
       m.id AS member_id, m.password_hash AS member_hash, m.plan AS plan
