// Sale ids: "pack:<member>" for a registration pack, the event id for upgrades and activations.
CREATE CONSTRAINT sale_id IF NOT EXISTS FOR (s:Sale) REQUIRE s.id IS UNIQUE
