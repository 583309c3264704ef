// Members matching the admin's filters, or a search inside a consultant's downline: by exact id,
// email prefix or name substring (indexed: id and email constraints, the name_lc text index) when
// $q is given, otherwise every member in id order. $plan, $rank, $status (as of $now, PLAN.md §10: a
// termination decides, otherwise the latest change; active without one), $pending (a self-registered pack still waiting for its
// payment) and $within (the member itself or its placement or sponsor downline, walked upward from
// each hit) narrow it; null leaves a filter out.
CALL () {
  MATCH (m:Member {id: $q}) RETURN m
  UNION
  MATCH (m:Member) WHERE $q IS NOT NULL AND m.email STARTS WITH $ql RETURN m
  UNION
  MATCH (m:Member) WHERE $q IS NOT NULL AND m.name_lc CONTAINS $ql RETURN m
  UNION
  MATCH (m:Member) WHERE $q IS NULL AND m.id IS NOT NULL RETURN m
}
WITH m
WHERE ($plan IS NULL OR m.plan = $plan)
  AND ($rank IS NULL OR coalesce(m.rank, 'none') = $rank)
  AND ($pending IS NULL OR coalesce(m.pack_pending, false) = $pending)
WITH m, coalesce(COLLECT { MATCH (m)-[:HAS_STATUS]->(c:StatusChange) WHERE c.at <= datetime($now)
                           RETURN c.status ORDER BY c.status = 'terminated' DESC, c.at DESC, c.seq DESC LIMIT 1 }[0],
                  'active') AS status
WHERE ($status IS NULL OR status = $status)
  AND ($within IS NULL OR m.id = $within
       OR EXISTS { MATCH (v:Member {id: $within}) MATCH (m)((a)<-[:LEFT|RIGHT]-(b) WHERE b.depth >= v.depth)*(top)
                   WHERE m.depth IS NOT NULL AND top = v }
       OR EXISTS { MATCH (v:Member {id: $within}) MATCH (m)((a)<-[:SPONSORED]-(b) WHERE coalesce(b.sdepth, 0) >= coalesce(v.sdepth, 0))*(top)
                   WHERE top = v })
RETURN m.id AS id, m.name AS name, m.email AS email, m.plan AS plan, coalesce(m.rank, 'none') AS rank,
       m.sponsor_id AS sponsor_id, m.parent_id AS parent_id, m.leg AS leg, 0 AS level, status,
       coalesce(m.pack_pending, false) AS pack_pending, m.registered_at AS registered_at
ORDER BY m.id
SKIP $offset LIMIT $limit
