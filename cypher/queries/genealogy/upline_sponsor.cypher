// Sponsor line upward, nearest first, pruned at $levels generations (sdepth = sponsor depth).
MATCH (m:Member {id: $id})
WITH m, coalesce(m.sdepth, 0) - $levels AS lo
MATCH (m)((c)<-[:SPONSORED]-(up) WHERE coalesce(up.sdepth, 0) >= lo)+(a)
RETURN a.id AS id, a.name AS name, a.plan AS plan, coalesce(a.rank, 'none') AS rank, a.sponsor_id AS sponsor_id,
       a.parent_id AS parent_id, a.leg AS leg, coalesce(m.sdepth, 0) - coalesce(a.sdepth, 0) AS level
ORDER BY level
