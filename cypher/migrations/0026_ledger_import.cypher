CREATE INDEX ledger_import IF NOT EXISTS FOR (e:LedgerEntry) ON (e.import_id)
