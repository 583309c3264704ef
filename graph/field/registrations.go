package field

import (
	"context"
	"slices"
	"time"

	"github.com/halo-oss/halo/graph"
	"github.com/halo-oss/halo/graph/genealogy"
)

// Registration is a member's registration (its place) at a gathering.
type Registration struct {
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

// RegisterRequest is POST /webinars/{id}/registrations: empty for oneself; an admin names the member.
type RegisterRequest struct {
	MemberID string `json:"member_id,omitempty"`
}

// RegisterResult is the caller's registration, and whether this call created it.
type RegisterResult struct {
	Registration
	Created bool `json:"-"`
}

// CancelResult is a cancelled registration and whoever took the freed seat.
type CancelResult struct {
	Cancelled Registration  `json:"cancelled"`
	Promoted  *Registration `json:"promoted,omitempty"`
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

// RegistrationService takes and cancels registrations: seats while they last, then the waitlist.
type RegistrationService struct{ *gatherings }

// loadFor loads the locked gathering as member m sees it: a member registers itself, so its
// audiences are the caller's; what it may not see does not exist for it.
func loadFor(ctx context.Context, tx GatheringTx, kind string, p graph.Principal, m *genealogy.Member) (*Gathering, error) {
	g, err := tx.Load(ctx)
	if err != nil {
		return nil, err
	}
	return g, visible(g, kind, p, audiencesOf(m.Plan))
}

// subject is the member a registration call is about: oneself, or for admins the named member.
func (s *RegistrationService) subject(ctx context.Context, p graph.Principal, memberID string) (*genealogy.Member, error) {
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

// Register registers a member: a seat while any is free, else a place on the waitlist, else a
// conflict. Repeating it changes nothing. Registration closes at the start of an event and at
// the end of a webinar (late joiners are normal online).
func (s *RegistrationService) Register(ctx context.Context, p graph.Principal, kind, id string, req RegisterRequest) (*RegisterResult, error) {
	m, err := s.subject(ctx, p, req.MemberID)
	if err != nil {
		return nil, err
	}
	now := s.Now().UTC()
	var out *RegisterResult
	var g *Gathering
	err = s.inTx(ctx, id, func(tx GatheringTx) error {
		if g, err = loadFor(ctx, tx, kind, p, m); err != nil {
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
		cur, err := s.registration(ctx, tx, m.ID)
		if err != nil {
			return err
		}
		if cur != nil && cur.Status != RegCancelled {
			out = &RegisterResult{Registration: *cur}
			return nil
		}
		r := Registration{GatheringID: id, MemberID: m.ID, Name: m.Name, Email: m.Email, RegisteredAt: now}
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
		if err := tx.Put(ctx, g, []Registration{r}); err != nil {
			return err
		}
		out = &RegisterResult{Registration: r, Created: true}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if out.Created {
		s.Audit.Record(ctx, kind+".register", kind, id, nil, out.Registration)
	}
	return out, nil
}

// Cancel withdraws a member's registration; a freed seat goes to the head of the waitlist.
// Cancelling is possible until the gathering starts.
func (s *RegistrationService) Cancel(ctx context.Context, p graph.Principal, kind, id, memberID string) (*CancelResult, error) {
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
	var promoted []Registration
	err = s.inTx(ctx, id, func(tx GatheringTx) error {
		if g, err = loadFor(ctx, tx, kind, p, m); err != nil {
			return err
		}
		cur, err := s.registration(ctx, tx, m.ID)
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
		if err := tx.Put(ctx, g, []Registration{*cur}); err != nil {
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

// List pages a gathering's registrations (admins), in registration order.
func (s *RegistrationService) List(ctx context.Context, kind, id, status, cursor string, limit int) (*graph.Page[Registration], error) {
	if err := s.checkListing(ctx, kind, id, status); err != nil {
		return nil, err
	}
	return graph.Paginate(cursor, limit, func(off, lim int) ([]Registration, bool, error) {
		return s.Store.Registrations(ctx, id, status, off, lim)
	})
}

// Each hands every registration (of status, if given) to each in registration order
// (admins): the check-in sheet of an event.
func (s *RegistrationService) Each(ctx context.Context, kind, id, status string, each func(Registration) error) error {
	if err := s.checkListing(ctx, kind, id, status); err != nil {
		return err
	}
	return s.eachRegistration(ctx, id, status, each)
}

// checkListing accepts a listing of kind id's registrations of status (admins).
func (s *RegistrationService) checkListing(ctx context.Context, kind, id, status string) error {
	switch status {
	case "", RegConfirmed, RegWaitlisted, RegCancelled, RegWalkIn, "attended":
	default:
		return graph.InvalidField("status", "must be confirmed, waitlisted, cancelled, walk_in or attended")
	}
	_, err := s.readable(ctx, graph.Principal{Role: graph.RoleAdmin}, kind, id)
	return err
}

// Upcoming is what a member registered for that has not ended, soonest first.
func (s *RegistrationService) Upcoming(ctx context.Context, memberID string, limit int) ([]UpcomingRegistration, error) {
	f, err := s.Store.MemberField(ctx, memberID, s.Now().UTC(), limit)
	if err != nil {
		return nil, err
	}
	if f.Upcoming == nil {
		return []UpcomingRegistration{}, nil
	}
	return f.Upcoming, nil
}
