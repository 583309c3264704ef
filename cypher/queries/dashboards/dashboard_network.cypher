// Network size by plan and rank.
MATCH (m:Member)
RETURN m.plan AS plan, coalesce(m.rank, 'none') AS rank, count(*) AS members
ORDER BY plan, rank
