// A provider's webhook event is applied once: its id is recorded with the change it made.
CREATE CONSTRAINT payment_event_id IF NOT EXISTS FOR (e:PaymentEvent) REQUIRE e.id IS UNIQUE
