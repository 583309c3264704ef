CREATE (:LedgerEntry {id: $id, member_id: $member, kind: $kind, amount_cents: $amount, at: datetime($at),
  reason: $reason, actor: $actor})
