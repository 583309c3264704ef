// How many members and consultants a whole snapshot reads, from Neo4j's count store (no scan):
// the loader sizes its slices once instead of growing them (a grown copy of a million members
// is garbage the size of the whole).
CALL () { MATCH (m:Member) RETURN count(m) AS members }
CALL () { MATCH (c:Consultant) RETURN count(c) AS consultants }
RETURN members, consultants
