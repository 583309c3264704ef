// Placements not yet added to their ancestors' leg counts carry add (members to add).
CREATE INDEX legs_add IF NOT EXISTS FOR (l:Legs) ON (l.add)
