// Webinars or events a reader may see ($audiences null: all): upcoming soonest first, past
// newest first; each with its counts and the viewer's registration.
OPTIONAL MATCH (v:Member {id: $viewer})
MATCH (g:Gathering)
WHERE g.kind = $kind AND ($audiences IS NULL OR g.audience IN $audiences) AND ($drafts OR g.status <> 'draft')
  AND ($when = 'all' OR ($when = 'upcoming' AND g.ends_at >= datetime($now)) OR ($when = 'past' AND g.ends_at < datetime($now)))
WITH v, g ORDER BY CASE WHEN $when = 'past' THEN -g.starts_at.epochMillis ELSE g.starts_at.epochMillis END, g.id
SKIP $offset LIMIT $limit
OPTIONAL MATCH (v)-[mine:REGISTERED]->(g)
RETURN g {.*} AS g,
       CASE WHEN mine IS NULL THEN null ELSE mine {.*, member_id: $viewer} END AS mine,
       CASE WHEN mine.status = 'waitlisted'
            THEN COUNT { (g)<-[w:REGISTERED]-() WHERE w.status = 'waitlisted' AND w.seq <= mine.seq } ELSE 0 END AS position
