// Wallet balances and ledger pages look entries up by member alone; the composite
// (member_id, at) index is not used for that, so this one is needed.
CREATE INDEX ledger_member IF NOT EXISTS FOR (e:LedgerEntry) ON (e.member_id)
