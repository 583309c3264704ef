MATCH (t:OnboardingTrack {id: 'default'})
RETURN t.keys AS keys, t.titles AS titles, t.updated_at AS updated_at, t.updated_by AS updated_by
