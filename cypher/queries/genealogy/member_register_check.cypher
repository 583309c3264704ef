// First statement of a registration: takes the placement lock (consultants), then reads
// everything the rules need in one round trip: the sponsor (and its termination, §10), clashes of id and email, and the
// requested parent with its slots.
CALL () {
  WITH 1 AS one WHERE $lock
  MERGE (l:Lock {id: 'placement'})
  SET l.seq = coalesce(l.seq, 0) + 1
}
OPTIONAL MATCH (s:Member {id: $sponsor})
OPTIONAL MATCH (s)-[:HAS_STATUS]->(term:StatusChange {status: 'terminated'})
OPTIONAL MATCH (dup:Member {id: $id})
OPTIONAL MATCH (em:Member {email: $email})
OPTIONAL MATCH (ad:Admin {email: $email})
OPTIONAL MATCH (p:Member {id: $parent})
OPTIONAL MATCH (p)-[pl:LEFT]->()
OPTIONAL MATCH (p)-[pr:RIGHT]->()
RETURN s IS NOT NULL AS sponsor_exists, s.plan AS sponsor_plan, s.registered_at AS sponsor_at,
       s.depth AS sponsor_depth, term.at AS sponsor_terminated_at, dup IS NOT NULL AS id_taken, (em IS NOT NULL OR ad IS NOT NULL) AS email_taken,
       p IS NOT NULL AS parent_exists, p.plan AS parent_plan, pl IS NOT NULL AS left_taken, pr IS NOT NULL AS right_taken
