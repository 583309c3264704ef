MATCH (w:Withdrawal)
WHERE ($status = '' OR w.status = $status) AND ($member = '' OR w.member_id = $member)
OPTIONAL MATCH (m:Member {id: w.member_id})
RETURN w.id AS id, w.member_id AS member_id, w.amount_cents AS amount, coalesce(w.withheld_cents, 0) AS withheld, w.batch_id AS batch_id, w.trace AS trace, w.status AS status, w.requested_at AS requested_at,
       w.decided_at AS decided_at, w.decided_by AS decided_by, w.reason AS reason, w.payment_reference AS reference,
       w.paid_at AS paid_at, m.name AS name, m.email AS email
ORDER BY w.requested_at, w.id
SKIP $offset LIMIT $limit
