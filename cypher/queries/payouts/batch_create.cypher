MATCH (l:Lock {id: 'payout-batch'})
SET l.seq = coalesce(l.seq, 0) + 1
CREATE (b:PayoutBatch {id: $b.id, number: l.seq, status: 'created', created_at: datetime($b.at), created_by: $b.by,
  effective_date: date(datetime($b.effective)), count: $b.count, total_cents: $b.total})
WITH b
UNWIND $entries AS e
MATCH (w:Withdrawal {id: e.id})
WHERE w.status = 'approved' AND w.batch_id IS NULL
SET w.batch_id = b.id, w.trace = e.trace, w.ach_holder = e.holder, w.ach_routing = e.routing, w.ach_account_enc = e.sealed,
    w.ach_last4 = e.last4, w.ach_type = e.type, w.ach_amount_cents = e.amount
RETURN b.number AS number, count(w) AS n
