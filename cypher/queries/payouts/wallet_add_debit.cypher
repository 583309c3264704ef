// A debit the balance must cover, serialized per member like a withdrawal request.
MATCH (m:Member {id: $member})
SET m.wallet_lock = true
WITH m
OPTIONAL MATCH (e:LedgerEntry {member_id: m.id})
WITH m, coalesce(sum(e.amount_cents), 0) AS ledger
// Runs drafted since issue #19 credit wallets with their committed statements (wallet_balance).
OPTIONAL MATCH (st:Statement {member_id: m.id})
WHERE st.total_cents <> 0 AND EXISTS { MATCH (:PayoutRun {id: st.run_id, status: 'committed', credits: 'statements'}) }
WITH m, ledger, coalesce(sum(st.total_cents), 0) AS credited
WITH m, ledger + credited AS balance
WITH m, balance, balance >= $amount AS ok
FOREACH (_ IN CASE WHEN ok THEN [1] ELSE [] END |
  CREATE (:LedgerEntry {id: $id, member_id: m.id, kind: $kind, amount_cents: -$amount, at: datetime($at), reason: $reason, actor: $actor}))
RETURN ok, balance
