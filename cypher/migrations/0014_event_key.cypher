// Idempotency: an event id is accepted once per vendor ("<vendor>/<event id>").
CREATE CONSTRAINT event_key IF NOT EXISTS FOR (e:Event) REQUIRE e.key IS UNIQUE
