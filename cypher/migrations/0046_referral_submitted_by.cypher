CREATE INDEX referral_submitted_by IF NOT EXISTS FOR (r:Referral) ON (r.submitted_by)
