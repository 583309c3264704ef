// Created once; an existing admin is never overwritten (API.md, Auth).
MERGE (a:Admin {email: $email})
ON CREATE SET a.id = 'admin:' + $email, a.password_hash = $password_hash, a.created_at = datetime(), a.created = true
WITH a, coalesce(a.created, false) AS created
REMOVE a.created
RETURN created
