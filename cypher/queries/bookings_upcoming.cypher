// A member's registrations (seats and waitlist places) for gatherings that have not ended.
MATCH (m:Member {id: $member})-[r:REGISTERED]->(g:Gathering)
WHERE r.status IN ['confirmed', 'waitlisted'] AND g.ends_at >= datetime($now) AND g.status <> 'draft'
WITH g, r ORDER BY g.starts_at, g.id LIMIT $limit
RETURN g.id AS id, g.kind AS kind, g.title AS title, g.format AS format, g.location AS location, g.starts_at AS starts_at,
       g.time_zone AS time_zone, r.status AS status, g.status = 'cancelled' AS cancelled,
       CASE WHEN r.status = 'waitlisted'
            THEN COUNT { (g)<-[w:REGISTERED]-() WHERE w.status = 'waitlisted' AND w.seq <= r.seq } ELSE 0 END AS position
