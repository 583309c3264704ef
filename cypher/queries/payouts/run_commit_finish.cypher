// The last step of a commit: the run is paid. Its analysts' earnings follow (run_commit_earnings).
MATCH (r:PayoutRun {id: $id})
SET r.status = 'committed'
