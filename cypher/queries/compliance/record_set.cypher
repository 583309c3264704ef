// The whole record as decided; the TIN and the account number arrive sealed.
MATCH (c:Compliance {member_id: $id})
SET c.legal_name = $r.legal_name, c.business_name = $r.business_name, c.entity_type = $r.entity_type, c.tin_type = $r.tin_type,
    c.tin_enc = $r.tin_enc, c.tin_last4 = $r.tin_last4, c.certified_at = datetime($r.certified_at), c.profile_at = datetime($r.profile_at),
    c.line1 = $r.line1, c.line2 = $r.line2, c.city = $r.city, c.state = $r.state, c.postal_code = $r.postal_code,
    c.account_holder = $r.account_holder, c.routing = $r.routing, c.account_enc = $r.account_enc, c.account_last4 = $r.account_last4,
    c.account_type = $r.account_type, c.bank_at = datetime($r.bank_at),
    c.kyc_status = $r.kyc_status, c.kyc_reason = $r.kyc_reason, c.kyc_at = datetime($r.kyc_at), c.kyc_by = $r.kyc_by,
    c.hold = $r.hold, c.hold_reason = $r.hold_reason, c.hold_since = datetime($r.hold_since), c.hold_by = $r.hold_by
RETURN c.member_id AS id
