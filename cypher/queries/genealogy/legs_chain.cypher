// The placement chains above consultants, up to 512 levels each: the ids from each one upwards
// and the leg each hangs on. 512 keeps the expansion cheap (its cost grows with the square of
// the bound); the lists are built once, as indexing into a path per row is quadratic too.
UNWIND $ids AS id
MATCH (x:Member {id: id})
MATCH p = (x)<-[:LEFT|RIGHT*1..512]-(top)
WHERE top.depth = CASE WHEN x.depth > 512 THEN x.depth - 512 ELSE 0 END
RETURN x.depth AS depth, [n IN nodes(p) | n.id] AS ids, [r IN relationships(p) | type(r)] AS legs
