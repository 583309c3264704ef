// The consultants of sponsor generation $gen below $id with the onboarding steps they attended,
// optionally only those who completed (or not) every step; by id, paged.
MATCH (m:Member {id: $id})
WITH m, coalesce(m.sdepth, 0) + $gen AS target
MATCH (m)((a)-[:SPONSORED]->(b) WHERE coalesce(b.sdepth, 0) <= target)+(d:Consultant)
WHERE coalesce(d.sdepth, 0) = target
OPTIONAL MATCH (d)-[r:REGISTERED]->(x:Gathering) WHERE r.attended AND x.onboarding_step IN $steps
WITH d, collect(DISTINCT x.onboarding_step) AS done
WITH d, done, size($steps) > 0 AND size(done) = size($steps) AS complete
WHERE $completed IS NULL OR complete = $completed
RETURN d.id AS id, d.name AS name, d.sponsor_id AS sponsor_id, done, complete
ORDER BY d.id
SKIP $offset LIMIT $limit
