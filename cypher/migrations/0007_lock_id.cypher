// One lock node serializes every placement (graph.MemberStore.Register): the placement
// transaction takes it first, so concurrent registrations never race for a slot.
CREATE CONSTRAINT lock_id IF NOT EXISTS FOR (l:Lock) REQUIRE l.id IS UNIQUE
