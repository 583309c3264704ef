// The head of a gathering's waitlist, in registration order.
MATCH (g:Gathering {id: $id})<-[r:REGISTERED]-(m:Member)
WHERE r.status = 'waitlisted'
WITH r, m ORDER BY r.seq LIMIT $limit
RETURN r {.*, member_id: m.id, name: m.name, email: m.email} AS r, 0 AS position
