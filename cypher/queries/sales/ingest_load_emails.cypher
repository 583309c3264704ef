UNWIND $emails AS e
OPTIONAL MATCH (m:Member {email: e})
OPTIONAL MATCH (a:Admin {email: e})
WITH e, coalesce(m.id, a.id) AS owner
WHERE owner IS NOT NULL
RETURN e AS email, owner
