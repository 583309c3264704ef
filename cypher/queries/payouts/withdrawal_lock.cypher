// First statement of a withdrawal decision: writing the node takes its exclusive lock, so the
// status read next is the one every other decision sees after this one commits (two decisions
// never both move the same withdrawal). The write reads nothing first: a read-then-write
// (coalesce(x) + 1) takes a shared lock and upgrades it, and two waiters deadlock on the upgrade.
MATCH (w:Withdrawal {id: $id})
SET w.decision_lock = true
WITH w
OPTIONAL MATCH (m:Member {id: w.member_id})
RETURN w.id AS id, w.member_id AS member_id, w.amount_cents AS amount, coalesce(w.withheld_cents, 0) AS withheld, w.batch_id AS batch_id, w.trace AS trace, w.status AS status, w.requested_at AS requested_at,
       w.decided_at AS decided_at, w.decided_by AS decided_by, w.reason AS reason, w.payment_reference AS reference,
       w.paid_at AS paid_at, m.name AS name, m.email AS email
