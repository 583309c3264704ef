// A gathering with its counts and, when $viewer is a member, that member's registration.
MATCH (g:Gathering {id: $id})
OPTIONAL MATCH (:Member {id: $viewer})-[mine:REGISTERED]->(g)
RETURN g {.*} AS g,
       COUNT { (g)<-[r:REGISTERED]-() WHERE r.status = 'confirmed' } AS confirmed,
       COUNT { (g)<-[r:REGISTERED]-() WHERE r.status = 'waitlisted' } AS waitlisted,
       COUNT { (g)<-[r:REGISTERED]-() WHERE r.attended } AS attended,
       CASE WHEN mine IS NULL THEN null ELSE mine {.*, member_id: $viewer} END AS mine,
       CASE WHEN mine.status = 'waitlisted'
            THEN COUNT { (g)<-[w:REGISTERED]-() WHERE w.status = 'waitlisted' AND w.seq <= mine.seq } ELSE 0 END AS position
