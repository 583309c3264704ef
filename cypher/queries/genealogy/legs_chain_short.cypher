// The first 32 levels above new placements: most meet a chain another one walked already, so
// their walk ends here (legs_chain continues the others).
UNWIND $ids AS id
MATCH (x:Member {id: id})
MATCH p = (x)<-[:LEFT|RIGHT*1..32]-(top)
WHERE top.depth = CASE WHEN x.depth > 32 THEN x.depth - 32 ELSE 0 END
RETURN x.depth AS depth, [n IN nodes(p) | n.id] AS ids, [r IN relationships(p) | type(r)] AS legs
