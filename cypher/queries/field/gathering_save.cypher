// A webinar or event, created or replaced; its registrations and their counters stay.
MERGE (g:Gathering {id: $id})
SET g.kind = $kind, g.title = $title, g.description_md = $description_md, g.description_html = $description_html,
    g.format = $format, g.location = $location, g.presenter = $presenter,
    g.starts_at = datetime($starts_at), g.ends_at = datetime($ends_at), g.time_zone = $time_zone,
    g.duration_minutes = $duration_minutes, g.capacity = $capacity, g.waitlist = $waitlist, g.audience = $audience,
    g.status = $status, g.onboarding_step = $onboarding_step, g.join_url = $join_url, g.recording_url = $recording_url,
    g.sequence = $sequence, g.author = $author, g.created_at = datetime($created_at), g.updated_at = datetime($updated_at),
    g.reg_seq = coalesce(g.reg_seq, 0), g.confirmed = coalesce(g.confirmed, 0), g.waitlisted = coalesce(g.waitlisted, 0),
    g.attended = coalesce(g.attended, 0)
