// An admin confirms a self-registered pack's payment: from now on it is a sale, accepted now, so
// the next run accounts it (its occurred_at stays the registration). The member is written first
// (its exclusive lock, no read before it), so of racing confirmations exactly one finds the pack
// still pending.
MATCH (m:Member {id: $id})
SET m.pack_lock = true
WITH m
OPTIONAL MATCH (s:Sale {id: 'pack:' + m.id}) WHERE s.pending = true
FOREACH (_ IN CASE WHEN s IS NULL THEN [] ELSE [1] END |
  REMOVE s.pending, m.pack_pending
  SET s.accepted_at = datetime.transaction(), s.confirmed_at = datetime($at), s.confirmed_by = $actor, s.payment_reference = $reference)
RETURN s IS NOT NULL AS confirmed
