// A member's field enablement, from `m` (the member, or null): the onboarding track's steps
// (`steps`), the steps it attended (`done`), and its registrations (seats and waitlist places)
// for gatherings that have not ended at $now, at most $upcoming_limit (`upcoming`).
CALL () {
  OPTIONAL MATCH (t:OnboardingTrack {id: 'default'})
  RETURN coalesce(t.keys, []) AS steps
}
CALL (m, steps) {
  OPTIONAL MATCH (m)-[r:REGISTERED]->(x:Gathering)
  WHERE r.attended AND x.onboarding_step IN steps
  RETURN collect(DISTINCT x.onboarding_step) AS done
}
CALL (m) {
  OPTIONAL MATCH (m)-[r:REGISTERED]->(g:Gathering)
  WHERE r.status IN ['confirmed', 'waitlisted'] AND g.ends_at >= datetime($now) AND g.status <> 'draft'
  WITH g, r ORDER BY g.starts_at, g.id LIMIT $upcoming_limit
  RETURN collect(CASE WHEN g IS NULL THEN null ELSE {id: g.id, kind: g.kind, title: g.title, format: g.format,
    location: g.location, starts_at: g.starts_at, time_zone: g.time_zone, status: r.status, cancelled: g.status = 'cancelled',
    position: CASE WHEN r.status = 'waitlisted'
                   THEN COUNT { (g)<-[w:REGISTERED]-() WHERE w.status = 'waitlisted' AND w.seq <= r.seq } ELSE 0 END} END) AS upcoming
}
