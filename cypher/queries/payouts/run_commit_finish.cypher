// The last step of a commit: the run is paid, and its analysts' earnings are written.
MATCH (r:PayoutRun {id: $id})
SET r.status = 'committed', r.earnings_written = true
