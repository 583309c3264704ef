// A gathering's registrations in registration order, optionally of one status or attended,
// with how many wait ahead of the page (the places of the page's waitlisted follow from it).
MATCH (g:Gathering {id: $id})<-[r:REGISTERED]-(m:Member)
WHERE $status = '' OR r.status = $status OR ($status = 'attended' AND r.attended)
WITH g, r, m ORDER BY r.seq SKIP $offset LIMIT $limit
WITH g, collect(r {.*, member_id: m.id, name: m.name, email: m.email}) AS rows
RETURN rows, CASE WHEN size(rows) = 0 THEN 0
                  ELSE COUNT { (g)<-[w:REGISTERED]-() WHERE w.status = 'waitlisted' AND w.seq < rows[0].seq } END AS before
