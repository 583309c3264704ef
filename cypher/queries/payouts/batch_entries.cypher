MATCH (w:Withdrawal {batch_id: $id})
RETURN w.id AS id, w.member_id AS member_id, w.ach_holder AS holder, w.ach_routing AS routing, w.ach_last4 AS last4, w.ach_type AS type,
       w.ach_amount_cents AS amount, w.trace AS trace, w.status AS status, w.reason AS reason, w.ach_account_enc AS sealed
ORDER BY w.trace
