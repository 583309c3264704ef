// Serialized per member (the member node is written first, which takes its exclusive lock; the
// write reads nothing, so waiters never deadlock upgrading a shared lock), then: the balance
// covers the amount and no other request is open. The debit is recorded with the request.
MATCH (m:Member {id: $member})
SET m.wallet_lock = true
WITH m
OPTIONAL MATCH (e:LedgerEntry {member_id: m.id})
WITH m, coalesce(sum(e.amount_cents), 0) AS balance
OPTIONAL MATCH (o:Withdrawal {member_id: m.id}) WHERE o.status IN ['requested', 'approved']
WITH m, balance, count(o) AS open
WITH m, balance, open, balance >= $amount AND open = 0 AS ok
FOREACH (_ IN CASE WHEN ok THEN [1] ELSE [] END |
  CREATE (:Withdrawal {id: $id, member_id: m.id, amount_cents: $amount, status: 'requested', requested_at: datetime($at)})
  CREATE (:LedgerEntry {id: 'withdrawal:' + $id, member_id: m.id, kind: 'withdrawal', amount_cents: -$amount,
    at: datetime($at), withdrawal_id: $id, actor: $actor}))
RETURN ok, balance, open
