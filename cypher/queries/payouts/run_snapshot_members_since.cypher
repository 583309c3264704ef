// Members created at or after $since (joins, imports, customer sign-ups), shaped as in
// run_snapshot_members: what the open period's kept snapshot has not seen yet.
MATCH (m:Member)
WHERE m.created_at >= datetime($since)
RETURN m.id AS id, coalesce(m.plan_at_registration, m.plan) AS plan, m.sponsor_id AS sponsor, m.parent_id AS parent,
       m.leg AS leg, m.registered_at AS registered_at, coalesce(m.rank, 'none') AS rank,
       coalesce(m.carry_left_cents, 0) AS cl, coalesce(m.carry_right_cents, 0) AS cr,
       coalesce(m.lifetime_left_cents, 0) AS ll, coalesce(m.lifetime_right_cents, 0) AS lr
