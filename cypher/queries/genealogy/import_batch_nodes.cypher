// Imported members are history (PLAN.md §7): no pack sale; an opening state stands as the state
// of a previous committed run.
UNWIND $rows AS r
CREATE (m:Member {id: r.id, name: r.name, name_lc: toLower(r.name), email: r.email, plan: r.plan,
  plan_at_registration: r.plan, registered_at: datetime(r.registered_at), created_at: datetime.transaction(),
  rank: r.rank, imported: true, import_id: $import, sponsor_id: r.sponsor, sdepth: r.sdepth})
SET m.password_hash = r.password_hash
FOREACH (_ IN CASE WHEN r.parent IS NULL THEN [1] ELSE [] END | SET m:Customer)
FOREACH (_ IN CASE WHEN r.parent IS NOT NULL THEN [1] ELSE [] END |
  SET m:Consultant, m.parent_id = r.parent, m.leg = r.leg, m.slot = r.parent + '/' + r.leg, m.depth = r.depth
  CREATE (:Legs {id: r.id, left: r.left_count, right: r.right_count}))
FOREACH (_ IN CASE WHEN r.opening THEN [1] ELSE [] END |
  SET m.carry_left_cents = r.carry_left, m.carry_right_cents = r.carry_right,
      m.lifetime_left_cents = r.lifetime_left, m.lifetime_right_cents = r.lifetime_right,
      m.opening_wallet_cents = r.wallet)
FOREACH (_ IN CASE WHEN r.wallet <> 0 THEN [1] ELSE [] END |
  CREATE (:LedgerEntry {id: 'opening:' + r.id, member_id: r.id, kind: 'opening', amount_cents: r.wallet,
    at: datetime(), import_id: $import, reason: 'opening balance from the earlier system'}))
