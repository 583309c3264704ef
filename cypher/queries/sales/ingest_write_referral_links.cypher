UNWIND $links AS l
MATCH (r:Referral {id: l.referral})
MATCH (c:Member {id: l.customer})
SET r.customer_id = l.customer, r.updated_at = datetime($received)
MERGE (r)-[:BECAME]->(c)
CREATE (r)-[:CHANGED]->(:ReferralChange {status: l.status, at: datetime(l.at), source: 'vendor', event_id: l.event, ord: l.ord,
  note: 'signed up as customer ' + l.customer, recorded: datetime($received)})
