CREATE INDEX payment_member IF NOT EXISTS FOR (p:Payment) ON (p.member_id)
