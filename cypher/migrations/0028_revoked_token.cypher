CREATE CONSTRAINT revoked_token_jti IF NOT EXISTS FOR (t:RevokedToken) REQUIRE t.jti IS UNIQUE
