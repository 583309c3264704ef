// Search by name (lower-cased copy) with CONTAINS.
CREATE TEXT INDEX member_name_lc IF NOT EXISTS FOR (m:Member) ON (m.name_lc)
