// Members created at or after $since and before $until (joins, imports, customer sign-ups),
// shaped as in run_snapshot_members: what the open period's kept snapshot has not seen yet.
MATCH (m:Member)
WHERE m.created_at >= datetime($since) AND m.created_at < datetime($until)
OPTIONAL MATCH (st:Statement {run_id: $state_run, member_id: m.id})
WITH m, CASE WHEN st.consultant THEN st END AS st
RETURN m.id AS id, coalesce(m.plan_at_registration, m.plan) AS plan, m.sponsor_id AS sponsor, m.parent_id AS parent,
       m.leg AS leg, m.registered_at.epochSeconds AS registered_s, m.registered_at.nanosecond AS registered_ns, coalesce(st.rank, m.rank, 'none') AS rank,
       coalesce(st.carry_left_cents, m.carry_left_cents, 0) AS cl, coalesce(st.carry_right_cents, m.carry_right_cents, 0) AS cr,
       coalesce(st.lifetime_left_cents, m.lifetime_left_cents, 0) AS ll, coalesce(st.lifetime_right_cents, m.lifetime_right_cents, 0) AS lr
