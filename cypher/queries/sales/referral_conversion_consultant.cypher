MATCH (r:Referral)
WITH r.owner_id AS id, count(*) AS referrals, count(CASE WHEN r.status = 'won' THEN 1 END) AS won,
     count(CASE WHEN r.status = 'lost' THEN 1 END) AS lost
ORDER BY referrals DESC, id LIMIT $limit
OPTIONAL MATCH (m:Member {id: id})
RETURN id, m.name AS name, referrals, won, lost
ORDER BY referrals DESC, id
