CREATE INDEX cancellation_accepted_at IF NOT EXISTS FOR (c:Cancellation) ON (c.accepted_at)
