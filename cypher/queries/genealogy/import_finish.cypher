MATCH (i:Import {id: $id})
SET i.status = $status, i.error = $error, i.finished_at = datetime()
