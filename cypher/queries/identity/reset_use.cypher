// A token works once, before it expires.
MATCH (r:PasswordReset {token_hash: $hash})
WHERE NOT r.used AND r.expires > datetime($now)
SET r.used = true, r.used_at = datetime($now)
RETURN r.account_id AS account
