// Counts the placement subtree below each node of $frontier to $step levels and returns the
// nodes on the last level to continue from. The expansion is bounded, so a chain 100,000 deep
// never becomes one 100,000-long path in Neo4j's memory (an unbounded count there exhausts the
// heap); a deep chain costs depth / $step round trips.
UNWIND $frontier AS id
MATCH (n:Member {id: id})
MATCH (n)-[:LEFT|RIGHT*1..256]->(d)
RETURN count(d) AS counted, collect(CASE WHEN d.depth = n.depth + 256 THEN d.id END) AS next
