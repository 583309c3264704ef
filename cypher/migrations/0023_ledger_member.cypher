CREATE INDEX ledger_member_at IF NOT EXISTS FOR (e:LedgerEntry) ON (e.member_id, e.at)
