MATCH (s:Member {id: $from})
SET s.xr = $end
