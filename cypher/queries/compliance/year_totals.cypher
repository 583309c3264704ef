// A tax year's credits (committed runs, net of clawbacks) and backup withholding (of withdrawals
// neither rejected nor returned: the money went back) per member, with the member's compliance record.
// A run drafted since issue #19 credits wallets with its statements, on the day it was committed.
CALL () {
  MATCH (e:LedgerEntry)
  WHERE e.at >= datetime($from) AND e.at < datetime($to)
    AND (e.kind = 'credit' OR (e.kind = 'backup_withholding'
         AND NOT EXISTS { MATCH (w:Withdrawal {id: e.withdrawal_id}) WHERE w.status IN ['rejected', 'returned'] }))
  RETURN e.member_id AS id, CASE WHEN e.kind = 'credit' THEN e.amount_cents ELSE 0 END AS credit,
         CASE WHEN e.kind = 'backup_withholding' THEN -e.amount_cents ELSE 0 END AS withholding
  UNION ALL
  MATCH (r:PayoutRun {status: 'committed', credits: 'statements'})
  WHERE r.committed_at >= datetime($from) AND r.committed_at < datetime($to)
  MATCH (st:Statement {run_id: r.id}) WHERE st.total_cents <> 0
  RETURN st.member_id AS id, st.total_cents AS credit, 0 AS withholding
}
WITH id, sum(credit) AS credited, sum(withholding) AS withheld
WHERE credited >= $min OR withheld > 0
MATCH (m:Member {id: id})
OPTIONAL MATCH (c:Compliance {member_id: id})
RETURN id, m.name AS name, credited, withheld, c {.*} AS c
ORDER BY id
