// Writes registrations of a gathering and its counters (inside its lock).
MATCH (g:Gathering {id: $id})
SET g.reg_seq = $reg_seq, g.confirmed = $confirmed, g.waitlisted = $waitlisted, g.attended = $attended
WITH g
UNWIND $rows AS row
MATCH (m:Member {id: row.member_id})
MERGE (m)-[r:REGISTERED]->(g)
SET r.status = row.status, r.seq = row.seq, r.registered_at = datetime(row.registered_at), r.registered_by = row.registered_by,
    r.promoted_at = datetime(row.promoted_at), r.cancelled_at = datetime(row.cancelled_at),
    r.attended = row.attended, r.attended_at = datetime(row.attended_at), r.marked_by = row.marked_by, r.source = row.source
