CREATE INDEX statement_member IF NOT EXISTS FOR (s:Statement) ON (s.member_id)
