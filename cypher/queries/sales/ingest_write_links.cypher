// Which vendor serves which customer.
UNWIND $links AS l
MATCH (v:Vendor {id: $vendor})
MATCH (m:Member {id: l.customer})
MERGE (v)-[r:SERVES]->(m)
ON CREATE SET r.since = datetime(l.at), r.event_id = l.event
