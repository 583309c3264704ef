// Taken first by every transaction that decides about a gathering's seats and held until it
// commits, so concurrent registrations for the last seat are decided one after the other. The
// lock is a node of its own: the gathering node is dense with registrations, and locking it
// directly deadlocked with the relationship writes of the transaction holding it.
MATCH (g:Gathering {id: $id})
MERGE (l:Lock {id: 'gathering:' + $id})
SET l.seq = coalesce(l.seq, 0) + 1
RETURN g.id AS id
