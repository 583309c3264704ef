package field

import (
	"context"
	"encoding/csv"
	"io"
	"log/slog"
	"net/url"
	"slices"
	"strings"
	"time"
	_ "time/tzdata" // time zones must validate on machines without a zoneinfo database

	"github.com/halo-oss/halo/graph"
	"github.com/halo-oss/halo/graph/genealogy"
)

// Webinars and events ("gatherings") are the trainings and meetings of the field: consultants
// and customers register, a capacity limits the confirmed seats, a waitlist takes the rest in
// the order they came, and a cancellation promotes the next on the list. Attendance is what
// onboarding counts: a gathering can be a step of the onboarding track, and a consultant has
// completed onboarding when it attended a gathering of every step.
const (
	KindWebinar = "webinar"
	KindEvent   = "event"

	FormatOnline   = "online"
	FormatInPerson = "in_person"

	RegConfirmed  = "confirmed"
	RegWaitlisted = "waitlisted"
	RegCancelled  = "cancelled"
	RegWalkIn     = "walk_in" // attended without a registration (an imported attendance list)

	gatheringDraft     = "draft"
	gatheringPublished = "published"
	gatheringCancelled = "cancelled"
)

// Gathering is a webinar or an event as its reader sees it.
type Gathering struct {
	ID              string    `json:"id"`
	Kind            string    `json:"kind" example:"webinar"`
	Title           string    `json:"title" example:"Solar 101 for new consultants"`
	DescriptionMD   string    `json:"description_markdown"`
	DescriptionHTML string    `json:"description_html"`        // rendered and sanitized like articles
	Format          string    `json:"format" example:"online"` // online | in_person (webinars are online)
	Location        string    `json:"location,omitempty" example:"Denver Convention Center, Hall B"`
	Presenter       string    `json:"presenter,omitempty" example:"Maya Chen"`
	StartsAt        time.Time `json:"starts_at"`
	EndsAt          time.Time `json:"ends_at"`
	TimeZone        string    `json:"time_zone" example:"America/Denver"`
	StartsAtLocal   string    `json:"starts_at_local" example:"2026-12-03T18:00:00-07:00"`
	DurationMinutes int       `json:"duration_minutes" example:"60"`
	Capacity        int       `json:"capacity"` // confirmed seats; 0 is unlimited
	Waitlist        bool      `json:"waitlist"` // whether registrations beyond capacity queue
	Audience        string    `json:"audience" example:"consultants"`
	Status          string    `json:"status" example:"published"` // draft | published | cancelled
	OnboardingStep  string    `json:"onboarding_step,omitempty" example:"orientation"`
	// JoinURL is shown from JoinOpensAt until the end: to confirmed registrants when seats are
	// limited, to the whole audience when they are not (and always to admins).
	JoinURL     string    `json:"join_url,omitempty"`
	JoinOpensAt time.Time `json:"join_opens_at"`
	// RecordingURL is shown to the audience once the gathering has ended.
	RecordingURL string    `json:"recording_url,omitempty"`
	Confirmed    int       `json:"confirmed"`
	Waitlisted   int       `json:"waitlisted"`
	Attended     int       `json:"attended"`
	SeatsLeft    *int      `json:"seats_left,omitempty"` // absent when unlimited
	Mine         *Booking  `json:"my_registration,omitempty"`
	Sequence     int       `json:"sequence"` // bumped on every change; the .ics SEQUENCE
	Author       string    `json:"author,omitempty"`
	CreatedAt    time.Time `json:"created_at"`
	UpdatedAt    time.Time `json:"updated_at"`

	RegSeq int64 `json:"-"` // order of registrations, for the waitlist
}

// GatheringRequest is POST and PUT of /webinars and /events.
type GatheringRequest struct {
	Title       string `json:"title" example:"Solar 101 for new consultants"`
	Description string `json:"description_markdown"`
	Format      string `json:"format" example:"online"`
	Location    string `json:"location"`
	Presenter   string `json:"presenter" example:"Maya Chen"`
	// StartsAt is RFC 3339 ("2026-12-04T01:00:00Z") or a wall-clock time in TimeZone
	// ("2026-12-03T18:00").
	StartsAt        string `json:"starts_at" example:"2026-12-03T18:00"`
	TimeZone        string `json:"time_zone" example:"America/Denver"`
	DurationMinutes int    `json:"duration_minutes" example:"60"`
	Capacity        int    `json:"capacity" example:"100"`
	Waitlist        *bool  `json:"waitlist"` // default true
	Audience        string `json:"audience" example:"consultants"`
	Status          string `json:"status" example:"published"`
	OnboardingStep  string `json:"onboarding_step" example:"orientation"`
	JoinURL         string `json:"join_url" example:"https://meet.example.com/solar-101"`
	RecordingURL    string `json:"recording_url"`
}

// Booking is a member's registration (its place) at a gathering.
type Booking struct {
	GatheringID  string     `json:"gathering_id"`
	MemberID     string     `json:"member_id"`
	Name         string     `json:"name,omitempty"`
	Email        string     `json:"email,omitempty"`
	Status       string     `json:"status" example:"confirmed"` // confirmed | waitlisted | cancelled | walk_in
	Position     int        `json:"position,omitempty"`         // place on the waitlist; 1 is next
	RegisteredAt time.Time  `json:"registered_at"`
	RegisteredBy string     `json:"registered_by,omitempty"` // the admin who registered the member
	PromotedAt   *time.Time `json:"promoted_at,omitempty"`   // moved from the waitlist to a seat
	CancelledAt  *time.Time `json:"cancelled_at,omitempty"`
	Attended     bool       `json:"attended"`
	AttendedAt   *time.Time `json:"attended_at,omitempty"`
	MarkedBy     string     `json:"attendance_marked_by,omitempty"`
	Source       string     `json:"attendance_source,omitempty"` // manual | import

	Seq int64 `json:"-"`
}

// RSVPRequest is POST /webinars/{id}/registrations: empty for oneself; an admin names the member.
type RSVPRequest struct {
	MemberID string `json:"member_id,omitempty"`
}

// RSVPResult is the caller's registration, and whether this call created it.
type RSVPResult struct {
	Booking
	Created bool `json:"-"`
}

// CancelResult is a cancelled registration and whoever took the freed seat.
type CancelResult struct {
	Cancelled Booking  `json:"cancelled"`
	Promoted  *Booking `json:"promoted,omitempty"`
}

// AttendanceRequest is POST /webinars/{id}/attendance.
type AttendanceRequest struct {
	// Members by id or e-mail (as exported by webinar platforms).
	Members  []string `json:"members" example:"HS-1001,ana@example.com"`
	Attended *bool    `json:"attended"` // default true; false takes a mark back
}

// AttendanceResult reports an attendance marking or import.
type AttendanceResult struct {
	Marked  int      `json:"marked"`   // registrations marked (or unmarked)
	WalkIns int      `json:"walk_ins"` // attendees without a registration, now recorded
	Unknown []string `json:"unknown"`  // ids or e-mails that match no member
}

// GatheringFilter narrows a listing.
type GatheringFilter struct {
	Kind      string
	When      string   // upcoming (default) | past | all
	Audiences []string // nil: everything (admins)
	Drafts    bool
	Now       time.Time
	Viewer    string // the member whose registration each item carries
}

// MemberField is what MemberField reads.
type MemberField struct {
	Steps, Done []string
	Upcoming    []UpcomingRegistration
}

// UpcomingRegistration is a registration on a consultant's dashboard.
type UpcomingRegistration struct {
	GatheringID string    `json:"gathering_id"`
	Kind        string    `json:"kind"`
	Title       string    `json:"title"`
	Format      string    `json:"format"`
	Location    string    `json:"location,omitempty"`
	StartsAt    time.Time `json:"starts_at"`
	TimeZone    string    `json:"time_zone"`
	Status      string    `json:"status"` // confirmed | waitlisted
	Position    int       `json:"position,omitempty"`
	Cancelled   bool      `json:"gathering_cancelled,omitempty"`
}

// GatheringTx is a write transaction that holds the gathering's lock: every decision about
// seats is taken on what it loads, so two registrations never both get the last seat.
type GatheringTx interface {
	Load(ctx context.Context) (*Gathering, error) // with its counts
	// Bookings are the members' registrations (absent: none), waitlist places included.
	Bookings(ctx context.Context, memberIDs []string) (map[string]Booking, error)
	Waitlist(ctx context.Context, limit int) ([]Booking, error) // in order
	Save(ctx context.Context, g Gathering) error
	// Put writes registrations and g's counters (confirmed, waitlisted, attended, RegSeq),
	// which the caller keeps in step with them.
	Put(ctx context.Context, g *Gathering, regs []Booking) error
}

// GatheringStore keeps webinars, events and registrations.
type GatheringStore interface {
	CreateGathering(ctx context.Context, g Gathering) error
	// InGatheringTx runs fn holding the gathering's lock; NotFound when it does not exist.
	InGatheringTx(ctx context.Context, id string, fn func(GatheringTx) error) error
	Gathering(ctx context.Context, id, viewer string) (*Gathering, error)
	Gatherings(ctx context.Context, f GatheringFilter, offset, limit int) ([]Gathering, bool, error)
	Registrations(ctx context.Context, id, status string, offset, limit int) ([]Booking, bool, error)
	// ResolveMembers maps each reference (a member id or e-mail) to its member.
	ResolveMembers(ctx context.Context, refs []string) (map[string]genealogy.Member, error)
	// MemberField is a member's onboarding (the track's steps, those it attended) and its
	// registrations for gatherings that have not ended, soonest first, in one read.
	MemberField(ctx context.Context, memberID string, now time.Time, limit int) (*MemberField, error)
	OnboardingStore
}

// Notifier tells members what happened to their registrations.
type Notifier interface {
	// SeatConfirmed: the waitlist gave the member a seat.
	SeatConfirmed(ctx context.Context, email, name string, g Gathering) error
	// GatheringChanged: a gathering the member registered for was cancelled or rescheduled
	// (change is "cancelled" or "rescheduled"; g is as it is now).
	GatheringChanged(ctx context.Context, email, name string, g Gathering, change string) error
}

// GatheringService runs webinars and events.
type GatheringService struct {
	Store    GatheringStore
	Members  genealogy.MemberStore
	Audit    *graph.Auditor
	Notifier Notifier
	Now      func() time.Time
	Log      *slog.Logger
	// JoinWindow is how long before the start the join link is shown (default 15 minutes).
	JoinWindow time.Duration

	queue keyedQueue
}

// inTx runs fn in the gathering's locked transaction, one caller of this process at a time.
func (s *GatheringService) inTx(ctx context.Context, id string, fn func(GatheringTx) error) error {
	leave, err := s.queue.enter(ctx, id)
	if err != nil {
		return err
	}
	defer leave()
	return s.Store.InGatheringTx(ctx, id, fn)
}

// booking is one member's registration inside the transaction (nil: none).
func (s *GatheringService) booking(ctx context.Context, tx GatheringTx, memberID string) (*Booking, error) {
	bs, err := tx.Bookings(ctx, []string{memberID})
	if b, ok := bs[memberID]; ok {
		return &b, err
	}
	return nil, err
}

func (s *GatheringService) joinWindow() time.Duration {
	if s.JoinWindow > 0 {
		return s.JoinWindow
	}
	return 15 * time.Minute
}

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
func (s *GatheringService) validate(kind string, req GatheringRequest) (*Gathering, error) {
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
	if g.Audience == "" {
		g.Audience = AudienceConsultants
	}
	if !validAudience(g.Audience) {
		bad("audience", "must be all, consultants, customers or plan:<plan>")
	}
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
func (s *GatheringService) prepare(ctx context.Context, kind string, req GatheringRequest) (*Gathering, error) {
	g, err := s.validate(kind, req)
	if err != nil {
		return nil, err
	}
	return g, s.checkStep(ctx, g.OnboardingStep)
}

// Create schedules a webinar or event (admins).
func (s *GatheringService) Create(ctx context.Context, kind string, req GatheringRequest) (*Gathering, error) {
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
func (s *GatheringService) Update(ctx context.Context, kind, id string, req GatheringRequest) (*Gathering, error) {
	g, err := s.prepare(ctx, kind, req)
	if err != nil {
		return nil, err
	}
	now := s.Now().UTC()
	var before *Gathering
	var promoted []Booking
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

// notifyRegistrants tells everyone holding a seat or a waitlist place about a change. The
// change is made; a message that fails is logged.
func (s *GatheringService) notifyRegistrants(ctx context.Context, g *Gathering, change string) {
	if s.Notifier == nil {
		return
	}
	err := s.eachRegistration(ctx, g.ID, "", func(r Booking) error {
		if r.Status != RegConfirmed && r.Status != RegWaitlisted {
			return nil
		}
		if err := s.Notifier.GatheringChanged(ctx, r.Email, r.Name, *g, change); err != nil {
			s.Log.Warn("change notification failed", "gathering", g.ID, "member", r.MemberID, "err", err)
		}
		return nil
	})
	if err != nil {
		s.Log.Error("could not list registrants to notify", "gathering", g.ID, "change", change, "err", err)
	}
}

// promote fills free seats from the head of the waitlist (inside the gathering's lock).
func (s *GatheringService) promote(ctx context.Context, tx GatheringTx, g *Gathering, now time.Time) ([]Booking, error) {
	free := g.Waitlisted
	if g.Capacity > 0 {
		free = min(free, g.Capacity-g.Confirmed)
	}
	if free <= 0 {
		return nil, nil
	}
	next, err := tx.Waitlist(ctx, free)
	if err != nil {
		return nil, err
	}
	for i := range next {
		t := now
		next[i].Status, next[i].PromotedAt, next[i].Position = RegConfirmed, &t, 0
	}
	g.Confirmed += len(next)
	g.Waitlisted -= len(next)
	if err := tx.Put(ctx, g, next); err != nil {
		return nil, err
	}
	return next, nil
}

func (s *GatheringService) notifyPromoted(ctx context.Context, g *Gathering, regs []Booking) {
	for _, r := range regs {
		s.Audit.Record(ctx, g.Kind+".promote", g.Kind, g.ID, nil, r)
		if s.Notifier == nil {
			continue
		}
		// The seat is already theirs; a failed message is logged, never undone.
		if err := s.Notifier.SeatConfirmed(ctx, r.Email, r.Name, *g); err != nil && s.Log != nil {
			s.Log.Warn("seat notification failed", "gathering", g.ID, "member", r.MemberID, "err", err)
		}
	}
}

// view completes g with the caller's registration, when the join link opens and the seats left.
func (s *GatheringService) view(g *Gathering, mine *Booking) *Gathering {
	out := *g
	out.Mine = mine
	out.JoinOpensAt = g.StartsAt.Add(-s.joinWindow())
	if g.Capacity > 0 {
		left := max(g.Capacity-g.Confirmed, 0)
		out.SeatsLeft = &left
	}
	return &out
}

// redact hides what the reader may not see yet (admins see everything).
func (s *GatheringService) redact(g *Gathering, admin bool, now time.Time) {
	if admin {
		return
	}
	// With limited seats the link is the seat: only confirmed registrants get it. Without a
	// limit the whole audience may join (the reader is in it, or it would not see g).
	seated := g.Capacity == 0 || g.Mine != nil && (g.Mine.Status == RegConfirmed || g.Mine.Status == RegWalkIn)
	if !seated || g.Status != gatheringPublished || now.Before(g.JoinOpensAt) || now.After(g.EndsAt) {
		g.JoinURL = ""
	}
	if now.Before(g.EndsAt) || g.Status == gatheringDraft {
		g.RecordingURL = ""
	}
}

// readable returns the gathering p may see; others do not exist for p.
func (s *GatheringService) readable(ctx context.Context, p graph.Principal, kind, id string) (*Gathering, error) {
	viewer := ""
	if p.Role != graph.RoleAdmin {
		viewer = p.ID
	}
	g, err := s.Store.Gathering(ctx, id, viewer)
	if err != nil {
		return nil, err
	}
	var aud []string
	if p.Role != graph.RoleAdmin {
		if aud, err = readerAudiences(ctx, s.Members, p); err != nil {
			return nil, err
		}
	}
	return g, visible(g, kind, p, aud)
}

// visible is nil when p (of audiences aud) may see g as a kind; what it may not see does not
// exist for it.
func visible(g *Gathering, kind string, p graph.Principal, aud []string) error {
	if g.Kind != kind || p.Role != graph.RoleAdmin && (g.Status == gatheringDraft || !slices.Contains(aud, g.Audience)) {
		return graph.NotFound("%s %s not found", kind, g.ID)
	}
	return nil
}

// Get returns a webinar or event as p may see it.
func (s *GatheringService) Get(ctx context.Context, p graph.Principal, kind, id string) (*Gathering, error) {
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
func (s *GatheringService) List(ctx context.Context, p graph.Principal, kind, when, cursor string, limit int) (*graph.Page[Gathering], error) {
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

// subject is the member a registration call is about: oneself, or for admins the named member.
func (s *GatheringService) subject(ctx context.Context, p graph.Principal, memberID string) (*genealogy.Member, error) {
	switch {
	case p.Role == graph.RoleAdmin && memberID == "":
		return nil, graph.InvalidField("member_id", "is required when an admin registers a member")
	case p.Role == graph.RoleAdmin:
	case memberID != "" && memberID != p.ID:
		return nil, graph.Forbidden("members register themselves; an admin registers others")
	default:
		memberID = p.ID
	}
	m, err := s.Members.Member(ctx, memberID)
	if graph.KindOf(err) == graph.KindNotFound && p.Role == graph.RoleAdmin {
		return nil, graph.InvalidField("member_id", "member %s does not exist", memberID)
	}
	return m, err
}

// RSVP registers a member: a seat while any is free, else a place on the waitlist, else a
// conflict. Repeating it changes nothing. Registration closes at the start of an event and at
// the end of a webinar (late joiners are normal online).
func (s *GatheringService) RSVP(ctx context.Context, p graph.Principal, kind, id string, req RSVPRequest) (*RSVPResult, error) {
	m, err := s.subject(ctx, p, req.MemberID)
	if err != nil {
		return nil, err
	}
	now := s.Now().UTC()
	var out *RSVPResult
	var g *Gathering
	err = s.inTx(ctx, id, func(tx GatheringTx) error {
		g, err = tx.Load(ctx)
		if err != nil {
			return err
		}
		// A member registers itself, so its audiences are the caller's.
		if err := visible(g, kind, p, audiencesOf(m.Plan)); err != nil {
			return err
		}
		closes := g.StartsAt // late joiners are normal online, not at a venue
		if kind == KindWebinar {
			closes = g.EndsAt
		}
		switch {
		case g.Status == gatheringCancelled:
			return graph.Conflict("%s %s is cancelled", kind, id)
		case g.Status != gatheringPublished:
			return graph.Conflict("%s %s is not published yet", kind, id)
		case !slices.Contains(audiencesOf(m.Plan), g.Audience):
			return graph.Conflict("%s %s is for %s; member %s is not in its audience", kind, id, g.Audience, m.ID)
		case !now.Before(closes):
			return graph.Conflict("registration for %s %s has closed", kind, id)
		}
		cur, err := s.booking(ctx, tx, m.ID)
		if err != nil {
			return err
		}
		if cur != nil && cur.Status != RegCancelled {
			out = &RSVPResult{Booking: *cur}
			return nil
		}
		r := Booking{GatheringID: id, MemberID: m.ID, Name: m.Name, Email: m.Email, RegisteredAt: now}
		if p.Role == graph.RoleAdmin {
			r.RegisteredBy = graph.ActorOf(ctx)
		}
		g.RegSeq++
		r.Seq = g.RegSeq
		switch {
		case g.Capacity == 0 || g.Confirmed < g.Capacity:
			r.Status = RegConfirmed
			g.Confirmed++
		case g.Waitlist:
			r.Status = RegWaitlisted
			g.Waitlisted++
			r.Position = g.Waitlisted
		default:
			return graph.Conflict("%s %s is full (%d seats) and keeps no waitlist", kind, id, g.Capacity)
		}
		if cur != nil { // a cancelled registration comes back at the end of the line
			r.Attended, r.AttendedAt, r.MarkedBy, r.Source = cur.Attended, cur.AttendedAt, cur.MarkedBy, cur.Source
		}
		if err := tx.Put(ctx, g, []Booking{r}); err != nil {
			return err
		}
		out = &RSVPResult{Booking: r, Created: true}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if out.Created {
		s.Audit.Record(ctx, kind+".register", kind, id, nil, out.Booking)
	}
	return out, nil
}

// Cancel withdraws a member's registration; a freed seat goes to the head of the waitlist.
// Cancelling is possible until the gathering starts.
func (s *GatheringService) Cancel(ctx context.Context, p graph.Principal, kind, id, memberID string) (*CancelResult, error) {
	if p.Role != graph.RoleAdmin && memberID != p.ID {
		// Another member's registration does not exist for the caller.
		return nil, graph.NotFound("member %s has no registration for %s %s", memberID, kind, id)
	}
	m, err := s.subject(ctx, p, memberID)
	if err != nil {
		return nil, err
	}
	now := s.Now().UTC()
	var out CancelResult
	var g *Gathering
	var promoted []Booking
	err = s.inTx(ctx, id, func(tx GatheringTx) error {
		g, err = tx.Load(ctx)
		if err != nil {
			return err
		}
		if err := visible(g, kind, p, audiencesOf(m.Plan)); err != nil {
			return err
		}
		cur, err := s.booking(ctx, tx, m.ID)
		if err != nil {
			return err
		}
		switch {
		case cur == nil || cur.Status == RegCancelled || cur.Status == RegWalkIn:
			return graph.NotFound("member %s has no registration for %s %s", m.ID, kind, id)
		case !now.Before(g.StartsAt):
			return graph.Conflict("%s %s has started; registrations can no longer be cancelled", kind, id)
		}
		if cur.Status == RegWaitlisted {
			g.Waitlisted--
		} else {
			g.Confirmed--
		}
		seat := cur.Status == RegConfirmed
		t := now
		cur.Status, cur.CancelledAt, cur.Position = RegCancelled, &t, 0
		if err := tx.Put(ctx, g, []Booking{*cur}); err != nil {
			return err
		}
		out.Cancelled = *cur
		if !seat || g.Status != gatheringPublished {
			return nil
		}
		promoted, err = s.promote(ctx, tx, g, now)
		if len(promoted) > 0 {
			out.Promoted = &promoted[0]
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	s.Audit.Record(ctx, kind+".cancel_registration", kind, id, nil, out.Cancelled)
	s.notifyPromoted(ctx, g, promoted)
	return &out, nil
}

// Registrations pages a gathering's registrations (admins), in registration order.
func (s *GatheringService) Registrations(ctx context.Context, kind, id, status, cursor string, limit int) (*graph.Page[Booking], error) {
	if err := s.checkListing(ctx, kind, id, status); err != nil {
		return nil, err
	}
	return graph.Paginate(cursor, limit, func(off, lim int) ([]Booking, bool, error) {
		return s.Store.Registrations(ctx, id, status, off, lim)
	})
}

// Roster hands every registration (of status, if given) to each in registration order
// (admins): the check-in sheet of an event.
func (s *GatheringService) Roster(ctx context.Context, kind, id, status string, each func(Booking) error) error {
	if err := s.checkListing(ctx, kind, id, status); err != nil {
		return err
	}
	return s.eachRegistration(ctx, id, status, each)
}

// checkListing accepts a listing of kind id's registrations of status (admins).
func (s *GatheringService) checkListing(ctx context.Context, kind, id, status string) error {
	switch status {
	case "", RegConfirmed, RegWaitlisted, RegCancelled, RegWalkIn, "attended":
	default:
		return graph.InvalidField("status", "must be confirmed, waitlisted, cancelled, walk_in or attended")
	}
	_, err := s.readable(ctx, graph.Principal{Role: graph.RoleAdmin}, kind, id)
	return err
}

// eachRegistration hands every registration of gathering id (of status, if given) to each, in
// registration order, a thousand per read.
func (s *GatheringService) eachRegistration(ctx context.Context, id, status string, each func(Booking) error) error {
	for off := 0; ; off += 1000 {
		regs, more, err := s.Store.Registrations(ctx, id, status, off, 1000)
		if err != nil {
			return err
		}
		for _, r := range regs {
			if err := each(r); err != nil {
				return err
			}
		}
		if !more {
			return nil
		}
	}
}

// MarkAttendance records who attended (admins), by member id or e-mail. Attendees without a
// registration are recorded as walk-ins; unknown references are reported, not guessed.
// Attendance can be marked from the moment the join link opens.
func (s *GatheringService) MarkAttendance(ctx context.Context, kind, id, source string, req AttendanceRequest) (*AttendanceResult, error) {
	attended := req.Attended == nil || *req.Attended
	refs := make([]string, 0, len(req.Members))
	seen := map[string]bool{}
	for _, r := range req.Members {
		if r = strings.TrimSpace(r); r != "" && !seen[strings.ToLower(r)] {
			seen[strings.ToLower(r)] = true
			refs = append(refs, r)
		}
	}
	if len(refs) == 0 {
		return nil, graph.InvalidField("members", "lists no member ids or e-mails")
	}
	if len(refs) > 20_000 {
		return nil, graph.InvalidField("members", "at most 20,000 per call")
	}
	found, err := s.Store.ResolveMembers(ctx, refs)
	if err != nil {
		return nil, err
	}
	res := &AttendanceResult{Unknown: []string{}}
	now := s.Now().UTC()
	actor := graph.ActorOf(ctx)
	err = s.inTx(ctx, id, func(tx GatheringTx) error {
		g, err := tx.Load(ctx)
		if err != nil {
			return err
		}
		if err := visible(g, kind, graph.Principal{Role: graph.RoleAdmin}, nil); err != nil {
			return err
		}
		if now.Before(g.StartsAt.Add(-s.joinWindow())) {
			return graph.Conflict("%s %s has not started; attendance is marked from %s", kind, id, g.StartsAt.Add(-s.joinWindow()).Format(time.RFC3339))
		}
		var ids []string
		for _, ref := range refs {
			if m, ok := found[ref]; ok {
				ids = append(ids, m.ID)
			} else {
				res.Unknown = append(res.Unknown, ref)
			}
		}
		have, err := tx.Bookings(ctx, ids)
		if err != nil {
			return err
		}
		var put []Booking
		done := map[string]bool{}
		for _, mid := range ids {
			if done[mid] {
				continue
			}
			done[mid] = true
			r, ok := have[mid]
			if !ok {
				if !attended {
					continue
				}
				g.RegSeq++
				r = Booking{GatheringID: id, MemberID: mid, Status: RegWalkIn, RegisteredAt: now, RegisteredBy: actor, Seq: g.RegSeq}
				res.WalkIns++
			} else {
				res.Marked++
			}
			switch {
			case attended && !r.Attended:
				g.Attended++
			case !attended && r.Attended:
				g.Attended--
			}
			r.Attended, r.MarkedBy, r.Source, r.AttendedAt = attended, actor, source, nil
			if attended {
				t := now
				r.AttendedAt = &t
			}
			put = append(put, r)
		}
		return tx.Put(ctx, g, put)
	})
	if err != nil {
		return nil, err
	}
	s.Audit.Record(ctx, kind+".attendance", kind, id, nil, map[string]any{"source": source, "attended": attended, "members": refs, "result": res})
	return res, nil
}

// ImportAttendance marks attendance from a CSV export of a webinar platform or a sign-in
// sheet: the column named member_id or id, or else the first whose name contains "email".
func (s *GatheringService) ImportAttendance(ctx context.Context, kind, id string, body io.Reader) (*AttendanceResult, error) {
	rd := csv.NewReader(io.LimitReader(body, 16<<20))
	rd.FieldsPerRecord, rd.TrimLeadingSpace = -1, true
	head, err := rd.Read()
	if err != nil {
		return nil, graph.Invalid("the attendance file is not CSV with a header row")
	}
	col := -1
	for i, h := range head {
		h = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
		if h == "member_id" || h == "id" {
			col = i
			break
		}
		if col < 0 && strings.Contains(h, "email") {
			col = i
		}
	}
	if col < 0 {
		return nil, graph.Invalid("the attendance file needs a member_id, id or e-mail column")
	}
	var refs []string
	for {
		rec, err := rd.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, graph.Invalid("the attendance file is not valid CSV: %v", err)
		}
		if col < len(rec) {
			refs = append(refs, rec[col])
		}
	}
	return s.MarkAttendance(ctx, kind, id, "import", AttendanceRequest{Members: refs})
}

// Calendar is the .ics file of a gathering p may see.
func (s *GatheringService) Calendar(ctx context.Context, p graph.Principal, kind, id string) ([]byte, error) {
	g, err := s.readable(ctx, p, kind, id)
	if err != nil {
		return nil, err
	}
	return CalendarICS(*s.view(g, nil), s.Now().UTC()), nil
}

// Upcoming is what a member registered for that has not ended, soonest first.
func (s *GatheringService) Upcoming(ctx context.Context, memberID string, limit int) ([]UpcomingRegistration, error) {
	_, up, err := s.Field(ctx, memberID, limit)
	return up, err
}

// Field is a member's own onboarding progress and upcoming registrations.
func (s *GatheringService) Field(ctx context.Context, memberID string, limit int) (*OnboardingProgress, []UpcomingRegistration, error) {
	f, err := s.Store.MemberField(ctx, memberID, s.Now().UTC(), limit)
	if err != nil {
		return nil, nil, err
	}
	done := ordered(f.Steps, f.Done)
	up := f.Upcoming
	if up == nil {
		up = []UpcomingRegistration{}
	}
	steps := f.Steps
	if steps == nil {
		steps = []string{}
	}
	return &OnboardingProgress{Steps: steps, Done: done, Completed: len(steps) > 0 && len(done) == len(steps)}, up, nil
}
