// An admin confirms a self-registered pack's payment: from now on it is a sale, accepted now, so
// the next run accounts it (its occurred_at stays the registration).
MATCH (m:Member {id: $id})
OPTIONAL MATCH (s:Sale {id: 'pack:' + m.id, pending: true})
FOREACH (_ IN CASE WHEN s IS NULL THEN [] ELSE [1] END |
  REMOVE s.pending, m.pack_pending
  SET s.accepted_at = datetime($at), s.confirmed_by = $actor, s.payment_reference = $reference)
RETURN s IS NOT NULL AS confirmed
