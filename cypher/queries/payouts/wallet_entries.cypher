// The ledger's entries and, for runs drafted since issue #19, the committed statements that are
// the run's wallet credits, shown as the credit entries older runs wrote (same id, kind and time).
CALL () {
  MATCH (e:LedgerEntry {member_id: $member})
  RETURN e.id AS id, e.kind AS kind, e.amount_cents AS amount, e.at AS at, e.run_id AS run_id,
         e.withdrawal_id AS withdrawal_id, e.reason AS reason, e.actor AS actor
  UNION ALL
  MATCH (st:Statement {member_id: $member}) WHERE st.total_cents <> 0
  MATCH (r:PayoutRun {id: st.run_id, status: 'committed', credits: 'statements'})
  RETURN 'credit:' + r.id + ':' + st.member_id AS id, 'credit' AS kind, st.total_cents AS amount, r.committed_at AS at,
         r.id AS run_id, null AS withdrawal_id, null AS reason, null AS actor
}
RETURN id, kind, amount, at, run_id, withdrawal_id, reason, actor
ORDER BY at DESC, id DESC
SKIP $offset LIMIT $limit
