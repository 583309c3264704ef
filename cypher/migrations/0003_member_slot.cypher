// A placement slot "<parent id>/<leg>" holds at most one consultant (PLAN.md §2). The
// constraint makes placement race-free: two registrations can never commit into one slot.
CREATE CONSTRAINT member_slot IF NOT EXISTS FOR (m:Member) REQUIRE m.slot IS UNIQUE
