// Sales BV of the period (activations, packs and upgrades; voided and pending ones left out) by
// who bought: customers or consultants.
MATCH (s:Sale) WHERE s.occurred_at >= datetime($from) AND s.occurred_at < datetime($to) AND s.voided_by IS NULL AND s.pending IS NULL
MATCH (m:Member {id: s.member_id})
RETURN sum(CASE WHEN m.plan = 'customer' THEN coalesce(s.bv_cents, 0) ELSE 0 END) AS customers,
       sum(CASE WHEN m.plan <> 'customer' THEN coalesce(s.bv_cents, 0) ELSE 0 END) AS consultants
