// Sales by member: a member's services, and its own packs and upgrades.
CREATE INDEX sale_member IF NOT EXISTS FOR (s:Sale) ON (s.member_id)
