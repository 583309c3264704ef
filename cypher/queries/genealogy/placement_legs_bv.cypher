// Lifetime leg volume as of the last committed run (kept on the member by payout commits).
MATCH (s:Member {id: $sponsor})
RETURN coalesce(s.lifetime_left_cents, 0) AS left_bv, coalesce(s.lifetime_right_cents, 0) AS right_bv
