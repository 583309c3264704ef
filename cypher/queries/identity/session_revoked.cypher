// Revoked: logged out, or issued before the account's last password change.
// Planned once and kept (replan=skip), as the dashboards' reads: every signed-in request makes
// it, and its lookups are unique (TestKeptPlansScanNoLargeLabel).
CYPHER replan=skip
OPTIONAL MATCH (t:RevokedToken {jti: $jti})
OPTIONAL MATCH (a:Admin {id: $account})
OPTIONAL MATCH (m:Member {id: $account})
WITH t, coalesce(a.tokens_valid_after, m.tokens_valid_after) AS after
RETURN t IS NOT NULL OR (after IS NOT NULL AND datetime($issued) < after) AS revoked
