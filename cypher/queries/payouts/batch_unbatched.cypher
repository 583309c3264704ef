MATCH (w:Withdrawal {status: 'approved'}) WHERE w.batch_id IS NULL
RETURN w.id AS id, w.member_id AS member_id, w.amount_cents AS amount, coalesce(w.withheld_cents, 0) AS withheld, w.status AS status,
       w.requested_at AS requested_at, w.decided_at AS decided_at
ORDER BY w.decided_at, w.id
