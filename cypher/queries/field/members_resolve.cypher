// Members by id or e-mail (attendance lists name either).
UNWIND $refs AS ref
OPTIONAL MATCH (a:Member {id: ref})
OPTIONAL MATCH (b:Member {email: toLower(ref)})
WITH ref, coalesce(a, b) AS m
WHERE m IS NOT NULL
RETURN ref, m.id AS id, m.name AS name, m.email AS email, m.plan AS plan
