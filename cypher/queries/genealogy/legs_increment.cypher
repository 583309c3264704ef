UNWIND $rows AS r
MATCH (g:Legs {id: r.id})
SET g.left = g.left + r.l, g.right = g.right + r.r
