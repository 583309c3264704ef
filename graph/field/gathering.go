// Package field is field enablement: the knowledge base, webinars and events (their schedule,
// registrations with seats and a waitlist, attendance), calendar files, and the onboarding track
// that attendance completes.
package field

import (
	"context"
	"log/slog"
	"slices"
	"time"

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
	RecordingURL string        `json:"recording_url,omitempty"`
	Confirmed    int           `json:"confirmed"`
	Waitlisted   int           `json:"waitlisted"`
	Attended     int           `json:"attended"`
	SeatsLeft    *int          `json:"seats_left,omitempty"` // absent when unlimited
	Mine         *Registration `json:"my_registration,omitempty"`
	Sequence     int           `json:"sequence"` // bumped on every change; the .ics SEQUENCE
	Author       string        `json:"author,omitempty"`
	CreatedAt    time.Time     `json:"created_at"`
	UpdatedAt    time.Time     `json:"updated_at"`

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

// GatheringFilter narrows a listing.
type GatheringFilter struct {
	Kind      string
	When      string   // upcoming (default) | past | all
	Audiences []string // nil: everything (admins)
	Drafts    bool
	Now       time.Time
	Viewer    string // the member whose registration each item carries
}

// GatheringTx is a write transaction that holds the gathering's lock: every decision about
// seats is taken on what it loads, so two registrations never both get the last seat.
type GatheringTx interface {
	Load(ctx context.Context) (*Gathering, error) // with its counts
	// Bookings are the members' registrations (absent: none), waitlist places included.
	RegistrationsOf(ctx context.Context, memberIDs []string) (map[string]Registration, error)
	Waitlist(ctx context.Context, limit int) ([]Registration, error) // in order
	Save(ctx context.Context, g Gathering) error
	// Put writes registrations and g's counters (confirmed, waitlisted, attended, RegSeq),
	// which the caller keeps in step with them.
	Put(ctx context.Context, g *Gathering, regs []Registration) error
}

// GatheringStore keeps webinars, events and registrations.
type GatheringStore interface {
	CreateGathering(ctx context.Context, g Gathering) error
	// InGatheringTx runs fn holding the gathering's lock; NotFound when it does not exist.
	InGatheringTx(ctx context.Context, id string, fn func(GatheringTx) error) error
	Gathering(ctx context.Context, id, viewer string) (*Gathering, error)
	Gatherings(ctx context.Context, f GatheringFilter, offset, limit int) ([]Gathering, bool, error)
	Registrations(ctx context.Context, id, status string, offset, limit int) ([]Registration, bool, error)
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

// Deps are what the field services run on.
type Deps struct {
	Store    GatheringStore
	Members  MemberReader
	Audit    *graph.Auditor
	Notifier Notifier
	Now      func() time.Time
	Log      *slog.Logger
	// JoinWindow is how long before the start the join link is shown (default 15 minutes).
	JoinWindow time.Duration
}

// MemberReader finds the members that register, attend and read.
type MemberReader interface {
	Member(ctx context.Context, id string) (*genealogy.Member, error)
}

// Services are field enablement's services for webinars and events: their schedule, the
// registrations for them, attendance, and the onboarding track attendance completes.
type Services struct {
	Schedule      *ScheduleService
	Registrations *RegistrationService
	Attendance    *AttendanceService
	Onboarding    *OnboardingService
}

// New builds the services over one shared core, so that every decision about one gathering's
// seats, whichever service takes it, queues behind the others in this process.
func New(d Deps) Services {
	c := &gatherings{Deps: d}
	return Services{Schedule: &ScheduleService{c}, Registrations: &RegistrationService{c}, Attendance: &AttendanceService{c}, Onboarding: &OnboardingService{c}}
}

// gatherings is what the services share: the adapters and the per-gathering queue.
type gatherings struct {
	Deps
	queue keyedQueue
}

// inTx runs fn in the gathering's locked transaction, one caller of this process at a time.
func (s *gatherings) inTx(ctx context.Context, id string, fn func(GatheringTx) error) error {
	leave, err := s.queue.enter(ctx, id)
	if err != nil {
		return err
	}
	defer leave()
	return s.Store.InGatheringTx(ctx, id, fn)
}

// booking is one member's registration inside the transaction (nil: none).
func (s *gatherings) registration(ctx context.Context, tx GatheringTx, memberID string) (*Registration, error) {
	bs, err := tx.RegistrationsOf(ctx, []string{memberID})
	if b, ok := bs[memberID]; ok {
		return &b, err
	}
	return nil, err
}

func (s *gatherings) joinWindow() time.Duration {
	if s.JoinWindow > 0 {
		return s.JoinWindow
	}
	return 15 * time.Minute
}

// notifyRegistrants tells everyone holding a seat or a waitlist place about a change. The
// change is made; a message that fails is logged.
func (s *gatherings) notifyRegistrants(ctx context.Context, g *Gathering, change string) {
	if s.Notifier == nil {
		return
	}
	err := s.eachRegistration(ctx, g.ID, "", func(r Registration) error {
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
func (s *gatherings) promote(ctx context.Context, tx GatheringTx, g *Gathering, now time.Time) ([]Registration, error) {
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

func (s *gatherings) notifyPromoted(ctx context.Context, g *Gathering, regs []Registration) {
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
func (s *gatherings) view(g *Gathering, mine *Registration) *Gathering {
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
func (s *gatherings) redact(g *Gathering, admin bool, now time.Time) {
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
func (s *gatherings) readable(ctx context.Context, p graph.Principal, kind, id string) (*Gathering, error) {
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

// eachRegistration hands every registration of gathering id (of status, if given) to each, in
// registration order, a thousand per read.
func (s *gatherings) eachRegistration(ctx context.Context, id, status string, each func(Registration) error) error {
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

func (s *gatherings) steps(ctx context.Context) ([]string, error) {
	t, err := s.Store.OnboardingTrack(ctx)
	if err != nil {
		return nil, err
	}
	return t.keys(), nil
}

// checkStep accepts an empty step or one of the track's.
func (s *gatherings) checkStep(ctx context.Context, step string) error {
	if step == "" {
		return nil
	}
	steps, err := s.steps(ctx)
	if err != nil {
		return err
	}
	if !slices.Contains(steps, step) {
		return graph.InvalidField("onboarding_step", "%s is not a step of the onboarding track (PUT /onboarding/track first)", step)
	}
	return nil
}

// visible is nil when p (of audiences aud) may see g as a kind; what it may not see does not
// exist for it.
func visible(g *Gathering, kind string, p graph.Principal, aud []string) error {
	if g.Kind != kind || p.Role != graph.RoleAdmin && (g.Status == gatheringDraft || !slices.Contains(aud, g.Audience)) {
		return graph.NotFound("%s %s not found", kind, g.ID)
	}
	return nil
}
