// A balance is the sum of the ledger, never a stored number that could drift.
MATCH (e:LedgerEntry {member_id: $member})
RETURN coalesce(sum(e.amount_cents), 0) AS balance
