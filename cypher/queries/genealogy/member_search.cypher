// Search by exact id, email prefix or name substring (indexed: id and email constraints, the
// name_lc text index).
CALL () {
  MATCH (m:Member {id: $q}) RETURN m
  UNION
  MATCH (m:Member) WHERE m.email STARTS WITH $ql RETURN m
  UNION
  MATCH (m:Member) WHERE m.name_lc CONTAINS $ql RETURN m
}
RETURN m.id AS id, m.name AS name, m.plan AS plan, coalesce(m.rank, 'none') AS rank, m.sponsor_id AS sponsor_id,
       m.parent_id AS parent_id, m.leg AS leg, 0 AS level
ORDER BY m.id
SKIP $offset LIMIT $limit
