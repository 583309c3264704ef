CREATE INDEX run_freeze_run IF NOT EXISTS FOR (f:RunFreeze) ON (f.run_id)
