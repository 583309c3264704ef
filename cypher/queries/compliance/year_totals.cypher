// A tax year's credits (committed runs, net of clawbacks) and backup withholding (of withdrawals
// neither rejected nor returned: the money went back) per member, with the member's compliance record.
MATCH (e:LedgerEntry)
WHERE e.at >= datetime($from) AND e.at < datetime($to)
  AND (e.kind = 'credit' OR (e.kind = 'backup_withholding'
       AND NOT EXISTS { MATCH (w:Withdrawal {id: e.withdrawal_id}) WHERE w.status IN ['rejected', 'returned'] }))
WITH e.member_id AS id,
     sum(CASE WHEN e.kind = 'credit' THEN e.amount_cents ELSE 0 END) AS credited,
     -sum(CASE WHEN e.kind = 'backup_withholding' THEN e.amount_cents ELSE 0 END) AS withheld
WHERE credited >= $min OR withheld > 0
MATCH (m:Member {id: id})
OPTIONAL MATCH (c:Compliance {member_id: id})
RETURN id, m.name AS name, credited, withheld, c {.*} AS c
ORDER BY id
