// A logged-out token stays refused until it would have expired.
MERGE (t:RevokedToken {jti: $jti})
SET t.until = datetime($until)
