// The event is recorded (its unique id makes a concurrent second delivery fail and retry, then
// find it seen); the payment moves only out of requires_payment.
MATCH (p:Payment {id: $id})
SET p.lock_tick = true
WITH p, p.status = 'requires_payment' AS open
MERGE (e:PaymentEvent {id: $event})
ON CREATE SET e.payment_id = p.id, e.status = $status, e.at = datetime($at)
SET p.status = CASE WHEN open THEN $status ELSE p.status END,
    p.failure_reason = CASE WHEN open AND $reason <> '' THEN $reason ELSE p.failure_reason END,
    p.settled_at = CASE WHEN open THEN datetime($at) ELSE p.settled_at END
RETURN open
