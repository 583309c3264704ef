UNWIND $ids AS id
MATCH (r:Referral {id: id})
RETURN r.id AS id, r.vendor_id AS vendor_id, r.owner_id AS owner_id, r.status AS status, coalesce(r.customer_id, '') AS customer_id,
       coalesce(r.p_email, '') AS email, r.expires_at AS expires_at
