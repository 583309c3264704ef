// The onboarding steps of $steps a member attended.
OPTIONAL MATCH (d:Member {id: $id})-[r:REGISTERED]->(x:Gathering) WHERE r.attended AND x.onboarding_step IN $steps
RETURN collect(DISTINCT x.onboarding_step) AS done
