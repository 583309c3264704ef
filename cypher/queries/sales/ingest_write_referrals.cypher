UNWIND $updates AS u
MATCH (r:Referral {id: u.referral})
SET r.status = u.status, r.updated_at = datetime($received)
CREATE (r)-[:CHANGED]->(:ReferralChange {status: u.status, at: datetime(u.at), source: 'vendor', event_id: u.event, note: u.note, recorded: datetime($received), ord: u.ord})
