// A member's field enablement in one read: the onboarding track's steps, the steps the member
// attended, and its registrations (seats and waitlist places) for gatherings that have not ended.
OPTIONAL MATCH (t:OnboardingTrack {id: 'default'})
WITH coalesce(t.keys, []) AS steps
CALL (steps) {
  OPTIONAL MATCH (:Member {id: $member})-[r:REGISTERED]->(x:Gathering)
  WHERE r.attended AND x.onboarding_step IN steps
  RETURN collect(DISTINCT x.onboarding_step) AS done
}
CALL () {
  OPTIONAL MATCH (:Member {id: $member})-[r:REGISTERED]->(g:Gathering)
  WHERE r.status IN ['confirmed', 'waitlisted'] AND g.ends_at >= datetime($now) AND g.status <> 'draft'
  WITH g, r ORDER BY g.starts_at, g.id LIMIT $limit
  RETURN collect(CASE WHEN g IS NULL THEN null ELSE {id: g.id, kind: g.kind, title: g.title, format: g.format,
    location: g.location, starts_at: g.starts_at, time_zone: g.time_zone, status: r.status, cancelled: g.status = 'cancelled',
    position: CASE WHEN r.status = 'waitlisted'
                   THEN COUNT { (g)<-[w:REGISTERED]-() WHERE w.status = 'waitlisted' AND w.seq <= r.seq } ELSE 0 END} END) AS upcoming
}
RETURN steps, done, upcoming
