MATCH (a:AuditEntry)
WHERE ($actor = '' OR a.actor = $actor) AND ($action = '' OR a.action = $action)
  AND ($target_type = '' OR a.target_type = $target_type) AND ($target_id = '' OR a.target_id = $target_id)
RETURN a.id AS id, a.actor AS actor, a.action AS action, a.target_type AS target_type, a.target_id AS target_id,
       a.at AS at, a.before AS before, a.after AS after
ORDER BY a.at DESC, a.id DESC
SKIP $offset LIMIT $limit
