MATCH (i:Import {id: $id})
SET i.lines_written = $written
