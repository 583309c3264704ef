// A vendor's pull reads its referrals in sequence order after a cursor.
CREATE INDEX referral_vendor_seq IF NOT EXISTS FOR (r:Referral) ON (r.vendor_id, r.seq)
