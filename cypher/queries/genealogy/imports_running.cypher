MATCH (i:Import {status: 'running'})
RETURN i.id AS id
