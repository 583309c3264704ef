CREATE INDEX sale_attributed_to IF NOT EXISTS FOR (s:Sale) ON (s.attributed_to)
