CREATE INDEX run_freeze_seq IF NOT EXISTS FOR (f:RunFreeze) ON (f.run_id, f.seq)
