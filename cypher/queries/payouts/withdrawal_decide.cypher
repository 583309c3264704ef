// Applies a decided state change, inside the transaction that locked the withdrawal. Every state
// change is in the member's ledger: a rejection puts the amount back, and so does an ACH return
// of a paid one; approval and payment move no money and are recorded at zero.
MATCH (w:Withdrawal {id: $id})
SET w.status = $to,
    w.decided_at = CASE WHEN $to IN ['paid', 'returned'] THEN w.decided_at ELSE datetime($at) END,
    w.decided_by = CASE WHEN $to IN ['paid', 'returned'] THEN w.decided_by ELSE $actor END,
    w.reason = CASE WHEN $reason = '' THEN w.reason ELSE $reason END,
    w.payment_reference = CASE WHEN $reference = '' THEN w.payment_reference ELSE $reference END,
    w.paid_at = CASE WHEN $to = 'paid' THEN datetime($at) ELSE w.paid_at END,
    w.returned_at = CASE WHEN $to = 'returned' THEN datetime($at) ELSE w.returned_at END
FOREACH (_ IN CASE WHEN $to = 'rejected' THEN [1] ELSE [] END |
  CREATE (:LedgerEntry {id: 'reversal:' + w.id, member_id: w.member_id, kind: 'reversal', amount_cents: w.amount_cents,
    at: datetime($at), withdrawal_id: w.id, reason: $reason, actor: $actor}))
FOREACH (_ IN CASE WHEN $to = 'returned' THEN [1] ELSE [] END |
  CREATE (:LedgerEntry {id: 'return:' + w.id, member_id: w.member_id, kind: 'return', amount_cents: w.amount_cents,
    at: datetime($at), withdrawal_id: w.id, reason: $reason, actor: $actor}))
FOREACH (_ IN CASE WHEN $to IN ['approved', 'paid'] THEN [1] ELSE [] END |
  CREATE (:LedgerEntry {id: 'withdrawal-' + $to + ':' + w.id, member_id: w.member_id, kind: 'withdrawal_' + $to, amount_cents: 0,
    at: datetime($at), withdrawal_id: w.id, reason: $reference, actor: $actor}))
RETURN w.id AS id
