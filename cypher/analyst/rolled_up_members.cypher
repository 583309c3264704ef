// Members whose enroller is terminated (PLAN.md §10), with the original enroller (the recorded
// sponsor, which never changes) and the effective sponsor every run uses: the nearest sponsor
// above that is not terminated. Optional $terminated narrows to one terminated consultant.
MATCH (t:Member)-[:HAS_STATUS]->(term:StatusChange {status: 'terminated'})
WHERE $terminated IS NULL OR t.id = $terminated
MATCH (t)-[:SPONSORED]->(m:Member)
MATCH p = (t)<-[:SPONSORED]-+(up:Member)
WHERE NOT EXISTS { MATCH (up)-[:HAS_STATUS]->(:StatusChange {status: 'terminated'}) }
WITH m, t, term, up, length(p) AS steps
ORDER BY steps
WITH m, t, term, head(collect(up)) AS effective
RETURN m.id AS member, m.plan AS plan, t.id AS original_sponsor, term.at AS terminated_at, effective.id AS effective_sponsor
ORDER BY original_sponsor, member
