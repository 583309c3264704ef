// Members for the start-up warm-up (dashboards.WarmUp): each kept with a probability that yields
// about $limit of them (the count comes from Neo4j's count store), in one pass, so the sample
// spreads over the whole network; at most $limit. The plan tells consultants from customers.
MATCH (n:Member)
WITH count(n) AS total
MATCH (m:Member)
WHERE rand() * total < $limit
RETURN m.id AS id, m.plan AS plan
LIMIT $limit
