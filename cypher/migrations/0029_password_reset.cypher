CREATE CONSTRAINT password_reset_hash IF NOT EXISTS FOR (r:PasswordReset) REQUIRE r.token_hash IS UNIQUE
