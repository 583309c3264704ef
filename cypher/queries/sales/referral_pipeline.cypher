CALL () {
  MATCH (r:Referral {owner_id: $member}) RETURN r
  UNION
  MATCH (r:Referral {submitted_by: $member}) RETURN r
}
RETURN r.vendor_id AS vendor_id, r.status AS status, count(*) AS n
ORDER BY vendor_id, status
