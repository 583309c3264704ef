// The members of sponsor generation $gen below $id, by id, paged.
MATCH (m:Member {id: $id})
WITH m, coalesce(m.sdepth, 0) + $gen AS target
MATCH (m)((a)-[:SPONSORED]->(b) WHERE coalesce(b.sdepth, 0) <= target)+(d)
WHERE coalesce(d.sdepth, 0) = target
RETURN d.id AS id, d.name AS name, d.plan AS plan, coalesce(d.rank, 'none') AS rank, d.sponsor_id AS sponsor_id,
       d.parent_id AS parent_id, d.leg AS leg, $gen AS level
ORDER BY d.id
SKIP $offset LIMIT $limit
