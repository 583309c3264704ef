CREATE INDEX refund_member IF NOT EXISTS FOR (f:Refund) ON (f.member_id)
