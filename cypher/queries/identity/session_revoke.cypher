// A logged-out token stays refused until it would have expired; the account is kept for analysts.
MERGE (t:RevokedToken {jti: $jti})
SET t.until = datetime($until), t.account_id = $account
