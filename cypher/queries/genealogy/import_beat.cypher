// The import's writer is alive (see imports_running).
MATCH (i:Import {id: $id, status: 'running'})
SET i.beat = datetime($at)
