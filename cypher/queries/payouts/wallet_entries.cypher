MATCH (e:LedgerEntry {member_id: $member})
RETURN e.id AS id, e.kind AS kind, e.amount_cents AS amount, e.at AS at, e.run_id AS run_id,
       e.withdrawal_id AS withdrawal_id, e.reason AS reason, e.actor AS actor
ORDER BY e.at DESC, e.id DESC
SKIP $offset LIMIT $limit
