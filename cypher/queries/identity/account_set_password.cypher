// Tokens issued before $after (milliseconds, as tokens carry them) are refused from now on.
OPTIONAL MATCH (a:Admin {id: $id})
OPTIONAL MATCH (m:Member {id: $id})
WITH coalesce(a, m) AS acc
WHERE acc IS NOT NULL
SET acc.password_hash = $hash, acc.tokens_valid_after = datetime($after), acc.password_changed_at = datetime()
RETURN count(acc) AS n
