// Members' registrations at a gathering, with their places on the waitlist.
MATCH (g:Gathering {id: $id})
UNWIND $members AS mid
MATCH (m:Member {id: mid})-[r:REGISTERED]->(g)
RETURN r {.*, member_id: m.id, name: m.name, email: m.email} AS r,
       CASE WHEN r.status = 'waitlisted'
            THEN COUNT { (g)<-[w:REGISTERED]-() WHERE w.status = 'waitlisted' AND w.seq <= r.seq } ELSE 0 END AS position
