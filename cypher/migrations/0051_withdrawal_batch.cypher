CREATE INDEX withdrawal_batch IF NOT EXISTS FOR (w:Withdrawal) ON (w.batch_id)
