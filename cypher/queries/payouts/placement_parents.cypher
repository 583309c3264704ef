// Placement parent, leg and depth of each id and of up to 64 of its ancestors.
UNWIND $ids AS id
MATCH (m:Member {id: id})
OPTIONAL MATCH (m)<-[:LEFT|RIGHT*1..64]-(a)
WITH m, collect(a) AS ups
UNWIND [m] + ups AS x
RETURN DISTINCT x.id AS id, x.parent_id AS parent, x.leg AS leg, coalesce(x.depth, 0) AS depth
