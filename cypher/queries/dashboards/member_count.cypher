// How many members there are (from Neo4j's count store, without reading them).
MATCH (m:Member)
RETURN count(m) AS members
