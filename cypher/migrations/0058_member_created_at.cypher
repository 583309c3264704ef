// Members by creation: the earnings projection reads only those created since its last look
// instead of reloading the whole network.
CREATE INDEX member_created_at IF NOT EXISTS FOR (m:Member) ON (m.created_at)
