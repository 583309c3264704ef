// Claims are serialized among replicas: a claimer reads the due rows only once it holds this
// lock, so it sees every earlier claim committed and no row is claimed twice.
MERGE (l:Lock {id: 'referral-outbox'})
SET l.locked = true
RETURN 1 AS ok
