UNWIND $updates AS u
MATCH (r:Referral {id: u.referral})
SET r.status = u.status, r.updated_at = datetime($received)
CREATE (r)-[:CHANGED]->(:ReferralChange {status: u.status, at: datetime(u.at), source: 'vendor', event_id: u.event, note: u.note, recorded: datetime($received), ord: u.ord})
WITH r
// The vendor answered, so it has the referral: its delivery is done, however it got there.
OPTIONAL MATCH (r)-[:DELIVERY]->(d:Delivery) WHERE d.state IN ['pending', 'pull', 'dead']
SET d.state = 'delivered', d.delivered_at = datetime($received), d.via = 'vendor'
