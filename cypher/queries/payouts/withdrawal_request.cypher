// Serialized per member (the member node is written first, which takes its exclusive lock; the
// write reads nothing, so waiters never deadlock upgrading a shared lock), then: the balance
// covers the amount and no other request is open. The debit is recorded with the request: the
// net as the withdrawal entry and, under backup withholding, the withheld part as its own entry.
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
OPTIONAL MATCH (o:Withdrawal {member_id: m.id}) WHERE o.status IN ['requested', 'approved']
WITH m, balance, count(o) AS open
WITH m, balance, open, balance >= $amount AND open = 0 AS ok
FOREACH (_ IN CASE WHEN ok THEN [1] ELSE [] END |
  CREATE (:Withdrawal {id: $id, member_id: m.id, amount_cents: $amount, withheld_cents: $withheld, status: 'requested', requested_at: datetime($at)})
  CREATE (:LedgerEntry {id: 'withdrawal:' + $id, member_id: m.id, kind: 'withdrawal', amount_cents: -($amount - $withheld),
    at: datetime($at), withdrawal_id: $id, actor: $actor}))
FOREACH (_ IN CASE WHEN ok AND $withheld > 0 THEN [1] ELSE [] END |
  CREATE (:LedgerEntry {id: 'withholding:' + $id, member_id: m.id, kind: 'backup_withholding', amount_cents: -$withheld,
    at: datetime($at), withdrawal_id: $id, reason: 'backup withholding 24 % (no certified TIN)', actor: $actor}))
RETURN ok, balance, open
