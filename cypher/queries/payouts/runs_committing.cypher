// Commits claimed but not finished whose committer has shown no sign of life since $before: its
// process died (a committing process beats every few seconds however long the commit takes).
MATCH (r:PayoutRun {status: 'committing'})
WHERE coalesce(r.beat, r.committed_at) < datetime($before)
RETURN r.id AS id
