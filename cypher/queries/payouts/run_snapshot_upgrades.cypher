// Every plan change after registration: upgrades, and refunds that set the plan back (§2, §11).
CALL {
  MATCH (s:Sale {kind: 'upgrade'})
  RETURN s.member_id AS member, s.plan AS plan, s.occurred_at AS occurred_at, 0 AS refund
  UNION ALL
  MATCH (f:Refund)
  RETURN f.member_id AS member, f.plan_after AS plan, f.occurred_at AS occurred_at, 1 AS refund
}
RETURN member, plan, occurred_at, refund
