// A balance is the sum of the ledger, never a stored number that could drift. A committed run's
// wallet credits are its statements' totals (runs drafted since issue #19, marked `credits`),
// or a ledger entry per member for runs committed before.
CALL () {
  OPTIONAL MATCH (e:LedgerEntry {member_id: $member})
  RETURN coalesce(sum(e.amount_cents), 0) AS ledger
}
CALL () {
  OPTIONAL MATCH (st:Statement {member_id: $member})
  WHERE st.total_cents <> 0 AND EXISTS { MATCH (:PayoutRun {id: st.run_id, status: 'committed', credits: 'statements'}) }
  RETURN coalesce(sum(st.total_cents), 0) AS credited
}
RETURN ledger + credited AS balance
