package field

import (
	"context"
	"net/url"
	"strings"
	"time"

	"github.com/halo-oss/halo/graph"
)

// ScheduleService schedules webinars and events and shows them to their audience.
type ScheduleService struct{ *gatherings }

// parseStart reads an RFC 3339 instant or a wall-clock time in loc.
func parseStart(v string, loc *time.Location) (time.Time, bool) {
	if t, err := time.Parse(time.RFC3339, v); err == nil {
		return t.UTC(), true
	}
	for _, layout := range []string{"2006-01-02T15:04:05", "2006-01-02T15:04", "2006-01-02 15:04"} {
		if t, err := time.ParseInLocation(layout, v, loc); err == nil {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}

func httpURL(u string) bool {
	p, err := url.Parse(u)
	return err == nil && (p.Scheme == "https" || p.Scheme == "http") && p.Host != ""
}

// validate turns a request into a gathering of kind (without id and times of record).
func (s *ScheduleService) validate(kind string, req GatheringRequest) (*Gathering, error) {
	var details []graph.Detail
	bad := func(f, m string) { details = append(details, graph.Detail{Field: f, Message: m}) }
	g := &Gathering{Kind: kind, Title: strings.TrimSpace(req.Title), DescriptionMD: req.Description, Format: req.Format,
		Location: strings.TrimSpace(req.Location), Presenter: strings.TrimSpace(req.Presenter), TimeZone: req.TimeZone,
		DurationMinutes: req.DurationMinutes, Capacity: req.Capacity, Waitlist: req.Waitlist == nil || *req.Waitlist,
		Audience: req.Audience, Status: req.Status, OnboardingStep: strings.ToLower(strings.TrimSpace(req.OnboardingStep)),
		JoinURL: strings.TrimSpace(req.JoinURL), RecordingURL: strings.TrimSpace(req.RecordingURL)}
	if g.Title == "" || len(g.Title) > 200 {
		bad("title", "is required (at most 200 characters)")
	}
	if len(g.Location) > 200 || len(g.Presenter) > 200 {
		bad("location", "location and presenter are at most 200 characters each")
	}
	if len(g.JoinURL) > 2000 || len(g.RecordingURL) > 2000 {
		bad("join_url", "links are at most 2,000 characters")
	}
	if len(g.DescriptionMD) > 50_000 {
		bad("description_markdown", "is at most 50,000 characters")
	}
	if g.Format == "" {
		g.Format = FormatOnline
	}
	switch {
	case kind == KindWebinar && g.Format != FormatOnline:
		bad("format", "a webinar is online")
	case g.Format != FormatOnline && g.Format != FormatInPerson:
		bad("format", "must be online or in_person")
	case g.Format == FormatInPerson && g.Location == "":
		bad("location", "is required for an in-person event")
	}
	if g.TimeZone == "" {
		g.TimeZone = "UTC"
	}
	loc, err := time.LoadLocation(g.TimeZone)
	if err != nil || g.TimeZone == "Local" {
		bad("time_zone", "must be an IANA time zone such as America/Denver")
		loc = time.UTC
	}
	start, ok := parseStart(strings.TrimSpace(req.StartsAt), loc)
	if !ok {
		bad("starts_at", "must be RFC 3339 (2026-12-04T01:00:00Z) or a local time in time_zone (2026-12-03T18:00)")
	}
	// Up to two weeks: a convention runs for days, a webinar for an hour.
	if g.DurationMinutes < 1 || g.DurationMinutes > 14*24*60 {
		bad("duration_minutes", "must be between 1 and 20160 (two weeks)")
	}
	if g.Capacity < 0 || g.Capacity > 1_000_000 {
		bad("capacity", "must be between 0 (unlimited) and 1,000,000")
	}
	g.Audience = audience(g.Audience, AudienceConsultants, bad)
	if g.Status == "" {
		g.Status = gatheringDraft
	}
	if g.Status != gatheringDraft && g.Status != gatheringPublished && g.Status != gatheringCancelled {
		bad("status", "must be draft, published or cancelled")
	}
	if len(g.OnboardingStep) > 64 {
		bad("onboarding_step", "is at most 64 characters")
	}
	if g.JoinURL != "" && !httpURL(g.JoinURL) {
		bad("join_url", "must be an http(s) URL")
	}
	if g.RecordingURL != "" && !httpURL(g.RecordingURL) {
		bad("recording_url", "must be an http(s) URL")
	}
	if len(details) > 0 {
		return nil, graph.InvalidDetails(details)
	}
	g.StartsAt = start
	g.DescriptionHTML = RenderMarkdown(g.DescriptionMD)
	g.Derive()
	return g, nil
}

// Derive fills the times that follow from start, duration and zone.
func (g *Gathering) Derive() {
	g.EndsAt = g.StartsAt.Add(time.Duration(g.DurationMinutes) * time.Minute)
	if loc, err := time.LoadLocation(g.TimeZone); err == nil {
		g.StartsAtLocal = g.StartsAt.In(loc).Format(time.RFC3339)
	}
}

// prepare validates a request, its onboarding step against the track included.
func (s *ScheduleService) prepare(ctx context.Context, kind string, req GatheringRequest) (*Gathering, error) {
	g, err := s.validate(kind, req)
	if err != nil {
		return nil, err
	}
	return g, s.checkStep(ctx, g.OnboardingStep)
}

// Create schedules a webinar or event (admins).
func (s *ScheduleService) Create(ctx context.Context, kind string, req GatheringRequest) (*Gathering, error) {
	g, err := s.prepare(ctx, kind, req)
	if err != nil {
		return nil, err
	}
	now := s.Now().UTC()
	g.ID, g.Author, g.CreatedAt, g.UpdatedAt, g.Sequence = graph.NewID(kind[:2]), graph.ActorOf(ctx), now, now, 0
	if err := s.Store.CreateGathering(ctx, *g); err != nil {
		return nil, err
	}
	s.Audit.Record(ctx, kind+".create", kind, g.ID, nil, g)
	return s.view(g, nil), nil
}

// Update replaces a webinar or event (admins). Capacity cannot drop below the confirmed seats
// (nobody loses a seat silently); raising it promotes from the waitlist in order.
func (s *ScheduleService) Update(ctx context.Context, kind, id string, req GatheringRequest) (*Gathering, error) {
	g, err := s.prepare(ctx, kind, req)
	if err != nil {
		return nil, err
	}
	now := s.Now().UTC()
	var before *Gathering
	var promoted []Registration
	err = s.inTx(ctx, id, func(tx GatheringTx) error {
		cur, err := tx.Load(ctx)
		if err != nil {
			return err
		}
		if cur.Kind != kind {
			return graph.NotFound("%s %s not found", kind, id)
		}
		if g.Capacity > 0 && g.Capacity < cur.Confirmed {
			return graph.Conflict("%d seats are confirmed; cancel registrations before lowering the capacity to %d", cur.Confirmed, g.Capacity).
				WithDetails(graph.Detail{Field: "capacity", Message: "is below the confirmed seats"})
		}
		before = cur
		g.ID, g.Author, g.CreatedAt, g.UpdatedAt, g.Sequence, g.RegSeq = id, cur.Author, cur.CreatedAt, now, cur.Sequence+1, cur.RegSeq
		if err := tx.Save(ctx, *g); err != nil {
			return err
		}
		g.Confirmed, g.Waitlisted, g.Attended = cur.Confirmed, cur.Waitlisted, cur.Attended
		if g.Status != gatheringPublished || !now.Before(g.EndsAt) {
			return nil
		}
		promoted, err = s.promote(ctx, tx, g, now)
		return err
	})
	if err != nil {
		return nil, err
	}
	s.Audit.Record(ctx, kind+".update", kind, id, before, g)
	s.notifyPromoted(ctx, g, promoted)
	switch {
	case g.Status == gatheringCancelled && before.Status != gatheringCancelled:
		s.notifyRegistrants(ctx, g, "cancelled")
	case g.Status == gatheringPublished && (!g.StartsAt.Equal(before.StartsAt) || g.Location != before.Location):
		s.notifyRegistrants(ctx, g, "rescheduled")
	}
	return s.view(g, nil), nil
}

// Get returns a webinar or event as p may see it.
func (s *ScheduleService) Get(ctx context.Context, p graph.Principal, kind, id string) (*Gathering, error) {
	g, err := s.readable(ctx, p, kind, id)
	if err != nil {
		return nil, err
	}
	now := s.Now().UTC()
	v := s.view(g, g.Mine)
	s.redact(v, p.Role == graph.RoleAdmin, now)
	return v, nil
}

// List pages the webinars or events p may see: upcoming by start, or past newest first.
func (s *ScheduleService) List(ctx context.Context, p graph.Principal, kind, when, cursor string, limit int) (*graph.Page[Gathering], error) {
	if when == "" {
		when = "upcoming"
	}
	if when != "upcoming" && when != "past" && when != "all" {
		return nil, graph.InvalidField("when", "must be upcoming, past or all")
	}
	aud, err := readerAudiences(ctx, s.Members, p)
	if err != nil {
		return nil, err
	}
	now := s.Now().UTC()
	f := GatheringFilter{Kind: kind, When: when, Audiences: aud, Drafts: p.Role == graph.RoleAdmin, Now: now}
	if p.Role != graph.RoleAdmin {
		f.Viewer = p.ID
	}
	pg, err := graph.Paginate(cursor, limit, func(off, lim int) ([]Gathering, bool, error) { return s.Store.Gatherings(ctx, f, off, lim) })
	if err != nil {
		return nil, err
	}
	for i := range pg.Items {
		v := s.view(&pg.Items[i], pg.Items[i].Mine)
		s.redact(v, p.Role == graph.RoleAdmin, now)
		pg.Items[i] = *v
	}
	return pg, nil
}

// Calendar is the .ics file of a gathering p may see.
func (s *ScheduleService) Calendar(ctx context.Context, p graph.Principal, kind, id string) ([]byte, error) {
	g, err := s.readable(ctx, p, kind, id)
	if err != nil {
		return nil, err
	}
	return CalendarICS(*s.view(g, nil), s.Now().UTC()), nil
}
