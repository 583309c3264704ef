CREATE INDEX sale_accepted_at IF NOT EXISTS FOR (s:Sale) ON (s.accepted_at)
