// One batch of the recount: the counts of the snapshot, whose placements are then all counted.
UNWIND $rows AS r
MERGE (g:Legs {id: r.id})
SET g.left = r.l, g.right = r.r
REMOVE g.add
