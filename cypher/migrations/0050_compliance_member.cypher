// One compliance record per member (tax profile, bank account, KYC, hold).
CREATE CONSTRAINT compliance_member IF NOT EXISTS FOR (c:Compliance) REQUIRE c.member_id IS UNIQUE
