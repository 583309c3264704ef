// A gathering (its counters are properties, kept under its lock) and, when $viewer is a
// member, that member's registration.
MATCH (g:Gathering {id: $id})
OPTIONAL MATCH (v:Member {id: $viewer})
OPTIONAL MATCH (v)-[mine:REGISTERED]->(g)
RETURN g {.*} AS g,
       CASE WHEN mine IS NULL THEN null ELSE mine {.*, member_id: $viewer} END AS mine,
       CASE WHEN mine.status = 'waitlisted'
            THEN COUNT { (g)<-[w:REGISTERED]-() WHERE w.status = 'waitlisted' AND w.seq <= mine.seq } ELSE 0 END AS position
