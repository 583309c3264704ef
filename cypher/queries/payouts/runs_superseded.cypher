// Drafts that can never be committed any more: their period is paid or their base is stale.
// Drafts whose writing stopped (halod died) are abandoned after an hour.
MATCH (r:PayoutRun {status: 'writing'}) WHERE r.created_at < datetime() - duration('PT1H')
SET r.status = 'superseded'
WITH count(*) AS abandoned
MATCH (r:PayoutRun {status: 'draft'})
OPTIONAL MATCH (last:PayoutRun) WHERE last.status IN ['committed', 'committing']
WITH r, last ORDER BY last.period_end DESC
WITH r, collect(last)[0] AS last
WHERE last IS NOT NULL AND coalesce(r.base, '') <> last.id
SET r.status = 'superseded'
RETURN r.id AS id
