UNWIND $rows AS r
MATCH (c:Consultant {id: r.id})
SET c.left_count = r.l, c.right_count = r.r
