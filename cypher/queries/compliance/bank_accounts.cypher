UNWIND $ids AS id
MATCH (c:Compliance {member_id: id}) WHERE c.account_enc IS NOT NULL
RETURN id, c.account_holder AS holder, c.routing AS routing, c.account_last4 AS last4, c.account_enc AS sealed, c.account_type AS type,
       coalesce(c.hold, false) AS held, c.hold_reason AS hold_reason
