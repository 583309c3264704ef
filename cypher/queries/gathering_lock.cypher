// Taken first by every transaction that decides about a gathering's seats and held until it
// commits, so concurrent registrations for the last seat are decided one after the other.
MATCH (g:Gathering {id: $id})
SET g.lock_seq = coalesce(g.lock_seq, 0) + 1
RETURN g.id AS id
