// A member's registration at a gathering, with its place on the waitlist.
MATCH (m:Member {id: $member})-[r:REGISTERED]->(g:Gathering {id: $id})
RETURN r {.*, member_id: m.id, name: m.name, email: m.email} AS r,
       CASE WHEN r.status = 'waitlisted'
            THEN COUNT { (g)<-[w:REGISTERED]-() WHERE w.status = 'waitlisted' AND w.seq <= r.seq } ELSE 0 END AS position
