// Every consultant's placement, for the one-time recount of leg counts (read under the
// placement lock: nobody is placed meanwhile).
MATCH (c:Consultant)
RETURN c.id AS id, c.parent_id AS parent, c.leg AS leg, c.depth AS depth
