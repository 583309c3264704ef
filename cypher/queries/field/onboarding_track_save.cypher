// The onboarding track: one node, steps as parallel lists of keys and titles.
MERGE (t:OnboardingTrack {id: 'default'})
SET t.keys = $keys, t.titles = $titles, t.updated_at = datetime($updated_at), t.updated_by = $updated_by
