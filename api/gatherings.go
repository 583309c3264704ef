package api

import (
	"encoding/csv"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/halo-oss/halo/graph"
	"github.com/halo-oss/halo/graph/field"
)

// Webinars and events share their handlers: the path says which kind is meant.
func gatheringKind(c *gin.Context) string {
	if strings.HasPrefix(c.FullPath(), "/api/v1/webinars") {
		return field.KindWebinar
	}
	return field.KindEvent
}

// GatheringPage documents a list of webinars or events for Swagger.
type GatheringPage struct {
	Items      []field.Gathering `json:"items"`
	NextCursor string            `json:"next_cursor,omitempty"`
}

// RegistrationPage documents a page of registrations for Swagger.
type RegistrationPage struct {
	Items      []field.Registration `json:"items"`
	NextCursor string               `json:"next_cursor,omitempty"`
}

// OnboardingMemberPage documents a generation's onboarding progress for Swagger.
type OnboardingMemberPage struct {
	Items      []field.OnboardingMember `json:"items"`
	NextCursor string                   `json:"next_cursor,omitempty"`
}

// createGathering godoc
//
//	@Summary		Schedule a webinar or an event
//	@Description	starts_at is RFC 3339 or a wall-clock time in time_zone. A capacity of 0 is unlimited; with waitlist (the default) registrations beyond capacity queue. onboarding_step names a step of the onboarding track.
//	@Tags			field
//	@Accept			json
//	@Produce		json
//	@Security		Bearer
//	@Param			body	body		field.GatheringRequest	true	"the webinar or event"
//	@Success		201		{object}	field.Gathering
//	@Failure		422		{object}	ErrorBody
//	@Router			/api/v1/webinars [post]
//	@Router			/api/v1/events [post]
func (s *Server) createGathering(c *gin.Context) {
	var req field.GatheringRequest
	if !bind(c, &req) {
		return
	}
	g, err := s.Schedule.Create(c.Request.Context(), gatheringKind(c), req)
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, g)
}

// updateGathering godoc
//
//	@Summary		Replace a webinar or an event
//	@Description	Capacity cannot drop below the confirmed seats (409); raising it promotes from the waitlist in order. status cancelled keeps the registrations and cancels the calendar entry.
//	@Tags			field
//	@Accept			json
//	@Produce		json
//	@Security		Bearer
//	@Param			id		path		string					true	"webinar or event id"
//	@Param			body	body		field.GatheringRequest	true	"the webinar or event"
//	@Success		200		{object}	field.Gathering
//	@Failure		404		{object}	ErrorBody
//	@Failure		409		{object}	ErrorBody
//	@Failure		422		{object}	ErrorBody
//	@Router			/api/v1/webinars/{id} [put]
//	@Router			/api/v1/events/{id} [put]
func (s *Server) updateGathering(c *gin.Context) {
	var req field.GatheringRequest
	if !bind(c, &req) {
		return
	}
	g, err := s.Schedule.Update(c.Request.Context(), gatheringKind(c), c.Param("id"), req)
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, g)
}

// listGatherings godoc
//
//	@Summary		Webinars or events for the caller's audience (admins also see drafts)
//	@Description	Each item carries the caller's registration. join_url appears from join_opens_at until the end, to confirmed registrants when seats are limited and to the whole audience when not; recording_url once it has ended.
//	@Tags			field
//	@Produce		json
//	@Security		Bearer
//	@Param			when	query		string	false	"upcoming (default, soonest first), past (newest first) or all"
//	@Param			limit	query		int		false	"page size"
//	@Param			cursor	query		string	false	"next_cursor of the previous page"
//	@Success		200		{object}	GatheringPage
//	@Router			/api/v1/webinars [get]
//	@Router			/api/v1/events [get]
func (s *Server) listGatherings(c *gin.Context) {
	limit, ok := intQuery(c, "limit")
	if !ok {
		return
	}
	p, err := s.Schedule.List(c.Request.Context(), principal(c), gatheringKind(c), c.Query("when"), c.Query("cursor"), limit)
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, p)
}

// getGathering godoc
//
//	@Summary	A webinar or event (404 outside the caller's audience)
//	@Tags		field
//	@Produce	json
//	@Security	Bearer
//	@Param		id	path		string	true	"webinar or event id"
//	@Success	200	{object}	field.Gathering
//	@Failure	404	{object}	ErrorBody
//	@Router		/api/v1/webinars/{id} [get]
//	@Router		/api/v1/events/{id} [get]
func (s *Server) getGathering(c *gin.Context) {
	g, err := s.Schedule.Get(c.Request.Context(), principal(c), gatheringKind(c), c.Param("id"))
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, g)
}

// gatheringCalendar godoc
//
//	@Summary	The iCalendar (.ics) file of a webinar or event
//	@Tags		field
//	@Produce	text/calendar
//	@Security	Bearer
//	@Param		id	path		string	true	"webinar or event id"
//	@Success	200	{string}	string	"an RFC 5545 calendar with one VEVENT"
//	@Failure	404	{object}	ErrorBody
//	@Router		/api/v1/webinars/{id}/calendar.ics [get]
//	@Router		/api/v1/events/{id}/calendar.ics [get]
func (s *Server) gatheringCalendar(c *gin.Context) {
	b, err := s.Schedule.Calendar(c.Request.Context(), principal(c), gatheringKind(c), c.Param("id"))
	if err != nil {
		fail(c, err)
		return
	}
	c.Header("Content-Disposition", `attachment; filename="`+c.Param("id")+`.ics"`)
	c.Data(http.StatusOK, "text/calendar; charset=utf-8", b)
}

// register godoc
//
//	@Summary		Register for a webinar or event (RSVP)
//	@Description	A seat while any is free, else a place on the waitlist, else 409. Members register themselves (empty body); an admin names member_id. Repeating it returns the registration unchanged (200).
//	@Tags			field
//	@Accept			json
//	@Produce		json
//	@Security		Bearer
//	@Param			id		path		string				true	"webinar or event id"
//	@Param			body	body		field.RegisterRequest	false	"member_id, for admins"
//	@Success		201		{object}	field.Registration
//	@Success		200		{object}	field.Registration
//	@Failure		404		{object}	ErrorBody
//	@Failure		409		{object}	ErrorBody
//	@Router			/api/v1/webinars/{id}/registrations [post]
//	@Router			/api/v1/events/{id}/registrations [post]
func (s *Server) register(c *gin.Context) {
	var req field.RegisterRequest
	if c.Request.ContentLength != 0 && !bind(c, &req) {
		return
	}
	r, err := s.Registrations.Register(c.Request.Context(), principal(c), gatheringKind(c), c.Param("id"), req)
	if err != nil {
		fail(c, err)
		return
	}
	status := http.StatusOK
	if r.Created {
		status = http.StatusCreated
	}
	c.JSON(status, r.Registration)
}

// cancelRegistration godoc
//
//	@Summary		Cancel a registration; the freed seat goes to the head of the waitlist
//	@Description	A member cancels its own (another's is 404 to it); an admin anyone's. Possible until the start.
//	@Tags			field
//	@Produce		json
//	@Security		Bearer
//	@Param			id		path		string	true	"webinar or event id"
//	@Param			member	path		string	true	"member id"
//	@Success		200		{object}	field.CancelResult
//	@Failure		404		{object}	ErrorBody
//	@Failure		409		{object}	ErrorBody
//	@Router			/api/v1/webinars/{id}/registrations/{member} [delete]
//	@Router			/api/v1/events/{id}/registrations/{member} [delete]
func (s *Server) cancelRegistration(c *gin.Context) {
	r, err := s.Registrations.Cancel(c.Request.Context(), principal(c), gatheringKind(c), c.Param("id"), c.Param("member"))
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, r)
}

// listRegistrations godoc
//
//	@Summary	Registrations of a webinar or event, in registration order
//	@Tags		field
//	@Produce	json
//	@Security	Bearer
//	@Param		id		path		string	true	"webinar or event id"
//	@Param		status	query		string	false	"confirmed, waitlisted, cancelled, walk_in or attended"
//	@Param		limit	query		int		false	"page size"
//	@Param		cursor	query		string	false	"next_cursor of the previous page"
//	@Success	200		{object}	RegistrationPage
//	@Failure	404		{object}	ErrorBody
//	@Router		/api/v1/webinars/{id}/registrations [get]
//	@Router		/api/v1/events/{id}/registrations [get]
func (s *Server) listRegistrations(c *gin.Context) {
	limit, ok := intQuery(c, "limit")
	if !ok {
		return
	}
	p, err := s.Registrations.List(c.Request.Context(), gatheringKind(c), c.Param("id"), c.Query("status"), c.Query("cursor"), limit)
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, p)
}

// exportRegistrations godoc
//
//	@Summary	Registrations as CSV: the check-in sheet
//	@Tags		field
//	@Produce	text/csv
//	@Security	Bearer
//	@Param		id		path		string	true	"webinar or event id"
//	@Param		status	query		string	false	"confirmed, waitlisted, cancelled, walk_in or attended"
//	@Success	200		{string}	string	"member_id,name,email,status,position,registered_at,promoted_at,cancelled_at,attended,attended_at"
//	@Failure	404		{object}	ErrorBody
//	@Router		/api/v1/webinars/{id}/export.csv [get]
//	@Router		/api/v1/events/{id}/export.csv [get]
func (s *Server) exportRegistrations(c *gin.Context) {
	var w *csv.Writer
	begin := func() { // on the first row, or at the end when nobody registered: the checks have passed
		c.Header("Content-Type", "text/csv; charset=utf-8")
		c.Header("Content-Disposition", `attachment; filename="`+c.Param("id")+`-registrations.csv"`)
		w = csv.NewWriter(c.Writer)
		_ = w.Write(rosterHeader)
	}
	err := s.Registrations.Each(c.Request.Context(), gatheringKind(c), c.Param("id"), c.Query("status"), func(b field.Registration) error {
		if w == nil {
			begin()
		}
		pos := ""
		if b.Position > 0 {
			pos = strconv.Itoa(b.Position)
		}
		return w.Write([]string{b.MemberID, text(b.Name), text(b.Email), b.Status, pos, b.RegisteredAt.Format(time.RFC3339), stamp(b.PromotedAt),
			stamp(b.CancelledAt), strconv.FormatBool(b.Attended), stamp(b.AttendedAt)})
	})
	switch {
	case err != nil && w == nil:
		fail(c, err)
		return
	case err != nil: // the sheet is half written: cut it short rather than pass it off as whole
		_ = c.Error(err)
		c.Abort()
		return
	case w == nil:
		begin()
	}
	w.Flush()
}

var rosterHeader = []string{"member_id", "name", "email", "status", "position", "registered_at", "promoted_at", "cancelled_at", "attended", "attended_at"}

func stamp(t *time.Time) string {
	if t == nil {
		return ""
	}
	return t.Format(time.RFC3339)
}

// markAttendance godoc
//
//	@Summary		Mark attendance, or import it as CSV
//	@Description	JSON: members by id or e-mail, attended (default true; false takes marks back). text/csv: a webinar platform's export or a sign-in sheet; the member_id or id column, else the first column whose name contains "email". Attendees without a registration are recorded as walk-ins; unknown references are listed.
//	@Tags			field
//	@Accept			json
//	@Accept			text/csv
//	@Produce		json
//	@Security		Bearer
//	@Param			id		path		string					true	"webinar or event id"
//	@Param			body	body		field.AttendanceRequest	true	"who attended"
//	@Success		200		{object}	field.AttendanceResult
//	@Failure		404		{object}	ErrorBody
//	@Failure		409		{object}	ErrorBody
//	@Failure		422		{object}	ErrorBody
//	@Router			/api/v1/webinars/{id}/attendance [post]
//	@Router			/api/v1/events/{id}/attendance [post]
func (s *Server) markAttendance(c *gin.Context) {
	ctx, kind, id := c.Request.Context(), gatheringKind(c), c.Param("id")
	var res *field.AttendanceResult
	var err error
	if strings.HasPrefix(c.ContentType(), "text/csv") {
		res, err = s.Attendance.Import(ctx, kind, id, c.Request.Body)
	} else {
		var req field.AttendanceRequest
		if !bind(c, &req) {
			return
		}
		res, err = s.Attendance.Mark(ctx, kind, id, "manual", req)
	}
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, res)
}

// upcomingRegistrations godoc
//
//	@Summary	A member's registrations for webinars and events that have not ended, soonest first
//	@Tags		field
//	@Produce	json
//	@Security	Bearer
//	@Param		id	path		string	true	"member id"
//	@Success	200	{array}		field.UpcomingRegistration
//	@Router		/api/v1/members/{id}/registrations [get]
func (s *Server) upcomingRegistrations(c *gin.Context) {
	r, err := s.Registrations.Upcoming(c.Request.Context(), c.Param("id"), 100)
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, r)
}

// getTrack godoc
//
//	@Summary	The onboarding track: the steps a new consultant completes by attending
//	@Tags		field
//	@Produce	json
//	@Security	Bearer
//	@Success	200	{object}	field.OnboardingTrack
//	@Router		/api/v1/onboarding/track [get]
func (s *Server) getTrack(c *gin.Context) {
	t, err := s.Onboarding.Track(c.Request.Context())
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, t)
}

// setTrack godoc
//
//	@Summary		Replace the onboarding track
//	@Description	Completion is always recomputed from attendance: a new step makes everyone who has not attended it incomplete.
//	@Tags			field
//	@Accept			json
//	@Produce		json
//	@Security		Bearer
//	@Param			body	body		field.OnboardingTrack	true	"the steps, in order"
//	@Success		200		{object}	field.OnboardingTrack
//	@Failure		422		{object}	ErrorBody
//	@Router			/api/v1/onboarding/track [put]
func (s *Server) setTrack(c *gin.Context) {
	var req field.OnboardingTrack
	if !bind(c, &req) {
		return
	}
	t, err := s.Onboarding.SetTrack(c.Request.Context(), req)
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, t)
}

// onboarding godoc
//
//	@Summary	Onboarding completion per sponsor generation (1–8) below a leader
//	@Tags		field
//	@Produce	json
//	@Security	Bearer
//	@Param		id	path		string	true	"member id"
//	@Success	200	{object}	field.OnboardingSummary
//	@Failure	404	{object}	ErrorBody
//	@Router		/api/v1/members/{id}/onboarding [get]
func (s *Server) onboarding(c *gin.Context) {
	o, err := s.Onboarding.Summary(c.Request.Context(), c.Param("id"))
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, o)
}

// onboardingMembers godoc
//
//	@Summary	The consultants of one sponsor generation with the onboarding steps each attended
//	@Tags		field
//	@Produce	json
//	@Security	Bearer
//	@Param		id			path		string	true	"member id"
//	@Param		gen			path		int		true	"generation, 1–8"
//	@Param		completed	query		bool	false	"only those who completed (true) or not (false)"
//	@Param		limit		query		int		false	"page size"
//	@Param		cursor		query		string	false	"next_cursor of the previous page"
//	@Success	200			{object}	OnboardingMemberPage
//	@Failure	404			{object}	ErrorBody
//	@Failure	422			{object}	ErrorBody
//	@Router		/api/v1/members/{id}/onboarding/{gen} [get]
func (s *Server) onboardingMembers(c *gin.Context) {
	gen, err := strconv.Atoi(c.Param("gen"))
	if err != nil {
		fail(c, graph.InvalidField("gen", "must be an integer between 1 and 8"))
		return
	}
	limit, ok := intQuery(c, "limit")
	if !ok {
		return
	}
	var completed *bool
	if v := c.Query("completed"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			fail(c, graph.InvalidField("completed", "must be true or false"))
			return
		}
		completed = &b
	}
	p, err := s.Onboarding.Generation(c.Request.Context(), c.Param("id"), gen, completed, c.Query("cursor"), limit)
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, p)
}
