MATCH (s:Member {id: $from})
SET s.xl = $end
