// A sign-up's e-mail finds the live referrals that protect its attribution.
CREATE INDEX referral_email IF NOT EXISTS FOR (r:Referral) ON (r.p_email)
