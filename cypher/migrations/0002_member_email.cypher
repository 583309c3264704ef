// The email is the login: unique in its normalised (lower-case) form.
CREATE CONSTRAINT member_email IF NOT EXISTS FOR (m:Member) REQUIRE m.email IS UNIQUE
