// Adds a.n members to leg a.leg of each listed member (none when a.leg is null) and to the
// matching leg of its placement ancestors, up to 4,096 levels above it; returns the ancestor
// 4,096 levels up, from which the caller continues. The upward path is a single chain, so its
// cost is its length. Counts still missing (a graph not yet recounted) stay missing.
UNWIND $adds AS a
MATCH (x:Consultant {id: a.id})
SET x.left_count = x.left_count + CASE a.leg WHEN 'left' THEN a.n ELSE 0 END,
    x.right_count = x.right_count + CASE a.leg WHEN 'right' THEN a.n ELSE 0 END
WITH a, x
CALL (a, x) {
  MATCH p = (x)<-[:LEFT|RIGHT*1..4096]-(top)
  WHERE top.depth = CASE WHEN x.depth > 4096 THEN x.depth - 4096 ELSE 0 END
  UNWIND range(1, length(p)) AS i
  WITH a, i, nodes(p)[i] AS anc, type(relationships(p)[i - 1]) AS t
  SET anc.left_count = anc.left_count + CASE t WHEN 'LEFT' THEN a.n ELSE 0 END,
      anc.right_count = anc.right_count + CASE t WHEN 'RIGHT' THEN a.n ELSE 0 END
  RETURN collect(CASE WHEN i = 4096 THEN anc.id END) AS tops
}
RETURN a.n AS n, tops
