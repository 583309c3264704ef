MATCH (i:Import {id: $id})
OPTIONAL MATCH (n:Network {id: 'network'})
RETURN i.id AS id, i.status AS status, i.lines_total AS lines_total, i.lines_written AS lines_written,
       i.lines_skipped AS lines_skipped, i.error AS error, i.started_at AS started_at, i.finished_at AS finished_at,
       i.created_by AS created_by, n.cutover AS cutover
