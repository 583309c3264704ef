// Placement line upward, nearest first, pruned at $levels levels.
MATCH (m:Member {id: $id})
WITH m, m.depth - $levels AS lo
MATCH (m)((c)<-[:LEFT|RIGHT]-(up) WHERE up.depth >= lo)+(a)
RETURN a.id AS id, a.name AS name, a.plan AS plan, coalesce(a.rank, 'none') AS rank, a.sponsor_id AS sponsor_id,
       a.parent_id AS parent_id, a.leg AS leg, m.depth - a.depth AS level
ORDER BY level
