// Leg counts live on a node of their own per consultant, (:Legs {id, left, right}), so the
// background pass that adds new placements to their ancestors never locks a Member.
CREATE CONSTRAINT legs_id IF NOT EXISTS FOR (l:Legs) REQUIRE l.id IS UNIQUE
