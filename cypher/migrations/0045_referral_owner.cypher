CREATE INDEX referral_owner IF NOT EXISTS FOR (r:Referral) ON (r.owner_id)
