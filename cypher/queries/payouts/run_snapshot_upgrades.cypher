MATCH (s:Sale {kind: 'upgrade'})
RETURN s.member_id AS member, s.plan AS plan, s.occurred_at AS occurred_at
