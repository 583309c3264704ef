// Running imports whose writer has not shown a sign of life since $before: the process that ran
// them died (a running import's writer beats every few seconds, however long a batch takes).
MATCH (i:Import {status: 'running'})
WHERE coalesce(i.beat, i.started_at) < datetime($before)
RETURN i.id AS id
