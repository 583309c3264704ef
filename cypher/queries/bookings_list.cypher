// A gathering's registrations in registration order, optionally of one status or attended.
MATCH (g:Gathering {id: $id})<-[r:REGISTERED]-(m:Member)
WHERE $status = '' OR r.status = $status OR ($status = 'attended' AND r.attended)
WITH g, r, m ORDER BY r.seq SKIP $offset LIMIT $limit
RETURN r {.*, member_id: m.id, name: m.name, email: m.email} AS r,
       CASE WHEN r.status = 'waitlisted'
            THEN COUNT { (g)<-[w:REGISTERED]-() WHERE w.status = 'waitlisted' AND w.seq <= r.seq } ELSE 0 END AS position
