// Top earners of committed runs by line type and vendor, over the runs whose period ended in
// [$from, $to). $type (binary, direct, matching, rank, retail, revenue_share, pool) and $vendor
// (a vendor id; '' for lines not about an activation) narrow it; null for all. Amounts are exact
// hundredths (earned_cents); earned is the same as a decimal string.
MATCH (m:Member)-[:EARNED]->(e:Earning)
WHERE e.period_end >= datetime($from) AND e.period_end < datetime($to)
  AND ($type IS NULL OR e.type = $type) AND ($vendor IS NULL OR e.vendor = $vendor)
WITH m, e.type AS type, e.vendor AS vendor, sum(e.amount_cents) AS earned_cents
RETURN m.id AS member, m.name AS name, type, vendor, earned_cents,
       CASE WHEN earned_cents < 0 THEN '-' ELSE '' END + toString(abs(earned_cents) / 100) + '.' +
         right('0' + toString(abs(earned_cents) % 100), 2) AS earned
ORDER BY earned_cents DESC, member
LIMIT $limit
