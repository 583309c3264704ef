CREATE INDEX status_change_member IF NOT EXISTS FOR (c:StatusChange) ON (c.member_id)
