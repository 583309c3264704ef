// The committer of a run is alive (see runs_committing).
MATCH (r:PayoutRun {id: $id, status: 'committing'})
SET r.beat = datetime($at)
