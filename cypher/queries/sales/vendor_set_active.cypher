MATCH (v:Vendor {id: $id})
SET v.active = $active
RETURN count(v) AS n
