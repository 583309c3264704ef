// One statement per member per run; lines are read in member order.
CREATE INDEX statement_run_member IF NOT EXISTS FOR (s:Statement) ON (s.run_id, s.member_id)
