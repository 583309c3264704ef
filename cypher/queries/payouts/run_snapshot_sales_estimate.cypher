// About how many sales a whole snapshot reads when no snapshot was read since start-up: those
// accepted since the activity window began, counted on the acceptance-time index (the sales it
// reads are those not yet accounted and those inside the window).
MATCH (s:Sale) WHERE s.accepted_at >= datetime($window)
RETURN count(s) AS n
