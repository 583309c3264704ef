MATCH (r:Referral)
WITH r.vendor_id AS id, count(*) AS referrals, count(CASE WHEN r.status = 'won' THEN 1 END) AS won,
     count(CASE WHEN r.status = 'lost' THEN 1 END) AS lost
OPTIONAL MATCH (v:Vendor {id: id})
RETURN id, v.name AS name, referrals, won, lost
ORDER BY referrals DESC, id
