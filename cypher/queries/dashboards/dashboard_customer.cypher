// A customer's referring consultant and how to reach them.
MATCH (c:Member {id: $id})
OPTIONAL MATCH (s:Member {id: c.sponsor_id})
RETURN c.id AS id, c.name AS name, c.plan AS plan, s.id AS sponsor_id, s.name AS sponsor_name, s.email AS sponsor_email
