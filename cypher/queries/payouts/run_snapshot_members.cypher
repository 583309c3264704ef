// Every member with its previous committed state (or imported opening state).
MATCH (m:Member)
RETURN m.id AS id, coalesce(m.plan_at_registration, m.plan) AS plan, m.sponsor_id AS sponsor, m.parent_id AS parent,
       m.leg AS leg, m.registered_at AS registered_at, coalesce(m.rank, 'none') AS rank,
       coalesce(m.carry_left_cents, 0) AS cl, coalesce(m.carry_right_cents, 0) AS cr,
       coalesce(m.lifetime_left_cents, 0) AS ll, coalesce(m.lifetime_right_cents, 0) AS lr
