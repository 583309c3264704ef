// Members per sponsor generation 1..$max below $id.
MATCH (m:Member {id: $id})
MATCH path = (m)-[:SPONSORED*1..8]->(d)
WITH length(path) AS g, d WHERE g <= $max
RETURN g AS generation, count(d) AS members,
       count(CASE WHEN d.plan <> 'customer' THEN 1 END) AS consultants,
       count(CASE WHEN d.plan = 'customer' THEN 1 END) AS customers
ORDER BY generation
