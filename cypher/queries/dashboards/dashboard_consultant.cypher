// Everything a consultant's dashboard reads from Neo4j, in one query: itself and its committed
// state, its committed statements, its wallet, its new recruits and its customers with their
// services, its status history, its held activations and its field enablement (the parts that
// genealogy/status_history and field/member_field read too). One query, not four in a
// transaction: each further query costs Neo4j about 0.4 ms of CPU and halod 0.1 ms (a round
// trip of Bolt messages), a quarter of a dashboard's cost (issue #19). Every lookup names its
// index: a plan made while a commit's statistics move (statements and accounted sales by the
// hundred thousand) must not pick another one (issue #19).
// Planned once and kept (replan=skip): Neo4j discards a plan whose statistics moved and plans
// again under load, and a commit or an import moves them by the hundred thousand. Planning this
// query takes about half a second of a core on a quiet Neo4j and several seconds beside a
// commit's background work, while the dashboards arriving meanwhile queue (issue #19). Every
// lookup is a unique or named index (TestKeptPlansScanNoLargeLabel), so the plan made on an
// empty database is the plan for a large one.
CYPHER replan=skip
MATCH (m:Member {id: $id})
// The committed state is the member's statement in the last committed run (PLAN.md §4), or
// what the member holds without one (an opening state, or one copied before issue #19).
CALL (m) {
  OPTIONAL MATCH (r:PayoutRun {status: 'committed'})
  WITH r ORDER BY r.period_end DESC LIMIT 1
  OPTIONAL MATCH (st:Statement {run_id: r.id, member_id: m.id}) USING INDEX st:Statement(run_id, member_id)
  RETURN st AS state
}
CALL (m) {
  OPTIONAL MATCH (st:Statement {member_id: m.id}) USING INDEX st:Statement(member_id)
  OPTIONAL MATCH (r:PayoutRun {id: st.run_id}) WHERE r.status = 'committed'
  WITH st, r WHERE r IS NOT NULL
  RETURN collect({run: r.id, end: r.period_end, lines: st.lines, idx: st.l_idx, type: st.l_type, amount: st.l_amount, vendor: st.l_vendor}) AS statements
}
// The wallet as payouts/wallet_balance and wallet_entries read it: the ledger, and the committed
// statements of runs drafted since issue #19, which are their wallet credits.
CALL (m) {
  CALL (m) {
    MATCH (e:LedgerEntry {member_id: m.id}) USING INDEX e:LedgerEntry(member_id)
    RETURN e.id AS id, e.kind AS kind, e.amount_cents AS amount, e.at AS at
    UNION ALL
    MATCH (st:Statement {member_id: m.id}) USING INDEX st:Statement(member_id) WHERE st.total_cents <> 0
    MATCH (r:PayoutRun {id: st.run_id, status: 'committed', credits: 'statements'})
    RETURN 'credit:' + r.id + ':' + st.member_id AS id, 'credit' AS kind, st.total_cents AS amount, r.committed_at AS at
  }
  WITH id, kind, amount, at ORDER BY at DESC, id DESC
  WITH collect({id: id, kind: kind, amount: amount, at: at}) AS entries
  RETURN reduce(b = 0, e IN entries | b + e.amount) AS balance, entries[..5] AS recent
}
CALL (m) {
  OPTIONAL MATCH (m)-[:SPONSORED]->(r:Consultant) WHERE r.registered_at >= datetime($since)
  WITH r ORDER BY r.registered_at DESC LIMIT 50
  RETURN collect(CASE WHEN r IS NULL THEN null ELSE {id: r.id, name: r.name, plan: r.plan, registered_at: r.registered_at} END) AS recruits
}
CALL (m) {
  OPTIONAL MATCH (m)-[:SPONSORED]->(c:Customer)
  WITH c ORDER BY c.id LIMIT 100
  OPTIONAL MATCH (s:Sale {member_id: c.id}) USING INDEX s:Sale(member_id) WHERE s.kind = 'activation'
  WITH c, collect(CASE WHEN s IS NULL THEN null ELSE {vendor: s.vendor_id, sku: s.sku, activation_id: s.activation_id,
    product: COLLECT { MATCH (:Product {key: s.vendor_id + '/' + s.sku})-[:VERSION]->(pv:ProductVersion) RETURN pv.name ORDER BY pv.effective_from DESC LIMIT 1 }[0],
    cancelled: coalesce(s.cancelled, false), at: s.occurred_at} END) AS services
  RETURN collect(CASE WHEN c IS NULL THEN null ELSE {id: c.id, name: c.name, email: c.email, services: services} END) AS customers
}
//+ genealogy/status_changes
// Its activations still inside their product's rescission window or waiting for the run after
// it (PLAN.md §9): attributed to it, not accounted, not void, not cancelled.
CALL (m) {
  MATCH (s:Sale {attributed_to: m.id}) USING INDEX s:Sale(attributed_to)
  WHERE s.kind = 'activation' AND s.accounted_by IS NULL AND s.voided_by IS NULL AND coalesce(s.hold_days, 0) > 0
    AND NOT EXISTS { MATCH (:Cancellation)-[:CANCELS]->(s) }
  WITH s ORDER BY s.occurred_at, s.id LIMIT $held_limit
  RETURN collect({id: s.id, member: s.member_id, vendor: s.vendor_id, bv: coalesce(s.bv_cents, 0), occurred_at: s.occurred_at,
    hold_days: s.hold_days}) AS held
}
//+ field/member_field
RETURN m.id AS id, m.name AS name, m.plan AS plan, coalesce(m.rank, 'none') AS rank,
       coalesce(state.lifetime_left_cents, m.lifetime_left_cents, 0) AS ll, coalesce(state.lifetime_right_cents, m.lifetime_right_cents, 0) AS lr,
       coalesce(state.carry_left_cents, m.carry_left_cents, 0) AS cl, coalesce(state.carry_right_cents, m.carry_right_cents, 0) AS cr,
       statements, balance, recent, recruits, customers, changes, held, steps, done, upcoming
