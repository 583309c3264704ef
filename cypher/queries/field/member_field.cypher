// A member's field enablement in one read: the onboarding track's steps, the steps the member
// attended, and its registrations (seats and waitlist places) for gatherings that have not ended.
OPTIONAL MATCH (m:Member {id: $member})
//+ field/member_field
RETURN steps, done, upcoming
