// Batches collect approved withdrawals.
CREATE INDEX withdrawal_status IF NOT EXISTS FOR (w:Withdrawal) ON (w.status)
