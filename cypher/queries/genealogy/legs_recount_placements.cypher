// Every consultant's placement, for the one-time recount of leg counts (read under the
// placement lock, in the recount's own transaction). Members of an import still being written
// are left out: their counts came from the file, and the import adds its subtrees to the
// members they hang from when it completes.
MATCH (c:Consultant)
WHERE c.import_id IS NULL OR NOT EXISTS { MATCH (:Import {id: c.import_id, status: 'running'}) }
RETURN c.id AS id, c.parent_id AS parent, c.leg AS leg, c.depth AS depth
