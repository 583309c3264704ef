// Member ids are the caller's and unique (API.md, Members).
CREATE CONSTRAINT member_id IF NOT EXISTS FOR (m:Member) REQUIRE m.id IS UNIQUE
