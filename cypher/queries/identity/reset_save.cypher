// Only the token's hash is stored.
CREATE (:PasswordReset {token_hash: $hash, account_id: $account, expires: datetime($expires), used: false, created_at: datetime()})
