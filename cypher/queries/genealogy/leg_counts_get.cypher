// A member's maintained leg counts (null on a graph not yet recounted: the caller walks then).
MATCH (m:Member {id: $id})
RETURN m.left_count AS left, m.right_count AS right, m:Consultant AS consultant
