// A committed run credits each member's total to its wallet, once (the entry id is the run and
// the member). A negative total (clawbacks) is a debit; the next credits repay it first.
MATCH (st:Statement {run_id: $run})
WHERE st.total_cents <> 0 AND st.member_id > $after
WITH st ORDER BY st.member_id LIMIT $batch
MERGE (e:LedgerEntry {id: 'credit:' + $run + ':' + st.member_id})
ON CREATE SET e.member_id = st.member_id, e.kind = 'credit', e.amount_cents = st.total_cents, e.at = datetime($at), e.run_id = $run
RETURN max(st.member_id) AS last, count(st) AS n
