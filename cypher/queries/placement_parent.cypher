MATCH (p:Member {id: $parent})
OPTIONAL MATCH (p)-[:LEFT]->(l)
OPTIONAL MATCH (p)-[:RIGHT]->(r)
RETURN p.plan AS plan, p.depth AS depth, p.registered_at AS registered_at,
       l IS NOT NULL AS left_taken, r IS NOT NULL AS right_taken
