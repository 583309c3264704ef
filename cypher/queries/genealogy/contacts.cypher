// Who a member may reach above it: its sponsor and its placement parent, name and contact only
// (never the upline beyond them).
MATCH (m:Member {id: $id})
OPTIONAL MATCH (s:Member {id: m.sponsor_id})
OPTIONAL MATCH (p:Member {id: m.parent_id})
RETURN s.id AS sponsor_id, s.name AS sponsor_name, s.email AS sponsor_email,
       p.id AS parent_id, p.name AS parent_name, p.email AS parent_email, m.leg AS leg
