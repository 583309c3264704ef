MATCH (w:Withdrawal) WHERE w.status IN ['requested', 'approved']
RETURN w.status AS status, count(w) AS n, coalesce(sum(w.amount_cents), 0) AS amount
