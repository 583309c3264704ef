// A draft written whole. Its statements will be its wallet credits once it is committed
// (payouts/wallet_balance): drafts from before issue #19 lack `credits` and credit a ledger
// entry per member at commit.
MATCH (r:PayoutRun {id: $id, status: 'writing'})
SET r.status = 'draft', r.credits = 'statements'
RETURN count(r) AS n
