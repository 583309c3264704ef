// The file went to the bank: the batch is sent and each of its withdrawals paid, with its trace
// number as the payment reference and a zero ledger entry recording it.
MATCH (b:PayoutBatch {id: $id})
WITH b, b.status = 'created' AS ok
SET b.status = CASE WHEN ok THEN 'sent' ELSE b.status END, b.sent_at = CASE WHEN ok THEN datetime($at) ELSE b.sent_at END,
    b.sent_by = CASE WHEN ok THEN $actor ELSE b.sent_by END
WITH b, ok
CALL (b, ok) {
  WITH b, ok WHERE ok
  MATCH (w:Withdrawal {batch_id: b.id}) WHERE w.status = 'approved'
  SET w.status = 'paid', w.paid_at = datetime($at), w.payment_reference = 'ACH ' + toString(b.number) + ' trace ' + w.trace
  CREATE (:LedgerEntry {id: 'withdrawal-paid:' + w.id, member_id: w.member_id, kind: 'withdrawal_paid', amount_cents: 0,
    at: datetime($at), withdrawal_id: w.id, reason: w.payment_reference, actor: $actor})
}
RETURN ok
