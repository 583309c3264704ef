// Referrals of any vendor whose prospect has one of these e-mails (oldest first).
UNWIND $emails AS email
MATCH (r:Referral {p_email: email})
WHERE NOT r.status IN ['rejected', 'lost']
RETURN r.id AS id, r.vendor_id AS vendor_id, r.owner_id AS owner_id, r.status AS status, coalesce(r.customer_id, '') AS customer_id,
       r.p_email AS email, r.expires_at AS expires_at
ORDER BY r.created_at, r.id
