// Members for the start-up warm-up (dashboards.WarmUp): each with probability $p in one pass,
// so the sample spreads over the whole network, at most $limit. The plan tells consultants
// from customers.
MATCH (m:Member)
WHERE rand() < $p
RETURN m.id AS id, m.plan AS plan
LIMIT $limit
