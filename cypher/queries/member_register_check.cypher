OPTIONAL MATCH (s:Member {id: $sponsor})
OPTIONAL MATCH (dup:Member {id: $id})
OPTIONAL MATCH (em:Member {email: $email})
OPTIONAL MATCH (ad:Admin {email: $email})
RETURN s IS NOT NULL AS sponsor_exists, s.plan AS sponsor_plan, s.registered_at AS sponsor_at,
       s.depth AS sponsor_depth, dup IS NOT NULL AS id_taken, (em IS NOT NULL OR ad IS NOT NULL) AS email_taken
