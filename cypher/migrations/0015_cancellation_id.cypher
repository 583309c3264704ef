CREATE CONSTRAINT cancellation_id IF NOT EXISTS FOR (c:Cancellation) REQUIRE c.id IS UNIQUE
