package field

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/halo-oss/halo/graph"
)

func TestCalendarICS(t *testing.T) {
	start := time.Date(2026, 12, 4, 1, 0, 0, 0, time.UTC)
	g := Gathering{ID: "we_1", Kind: KindWebinar, Title: "Solar 101; batteries, too", Format: FormatOnline, Presenter: "Maya Chen",
		DescriptionMD: "Line one\nLine two with a backslash \\ and " + strings.Repeat("ünïcödé ", 20),
		StartsAt:      start, DurationMinutes: 90, TimeZone: "America/Denver", Sequence: 3, Status: gatheringPublished,
		JoinURL: "https://meet.example.com/secret"}
	g.Derive()
	g.JoinOpensAt = start.Add(-15 * time.Minute)
	ics := string(CalendarICS(g, time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)))

	if !strings.HasSuffix(ics, "END:VCALENDAR\r\n") || strings.Contains(strings.ReplaceAll(ics, "\r\n", ""), "\n") {
		t.Fatalf("every line ends in CRLF:\n%q", ics)
	}
	for _, l := range strings.Split(strings.TrimSuffix(ics, "\r\n"), "\r\n") {
		if len(l) > 75 {
			t.Errorf("line longer than 75 octets (%d): %q", len(l), l)
		}
		if !utf8.ValidString(l) {
			t.Errorf("folding split a character: %q", l)
		}
	}
	// Unfold (RFC 5545 §3.1) and read the properties back.
	props := map[string]string{}
	for _, l := range strings.Split(strings.ReplaceAll(ics, "\r\n ", ""), "\r\n") {
		if k, v, ok := strings.Cut(l, ":"); ok {
			props[k] = v
		}
	}
	for k, want := range map[string]string{
		"UID": "we_1@halo", "DTSTART": "20261204T010000Z", "DTEND": "20261204T023000Z", "SEQUENCE": "3",
		"SUMMARY": `Solar 101\; batteries\, too`, "STATUS": "CONFIRMED", "LOCATION": "Online", "DTSTAMP": "20261125T100000Z",
	} {
		if props[k] != want {
			t.Errorf("%s = %q, want %q", k, props[k], want)
		}
	}
	if d := props["DESCRIPTION"]; !strings.HasPrefix(d, `Presenter: Maya Chen\n\nLine one\nLine two with a backslash \\ and ünïcödé`) ||
		!strings.Contains(d, "15 minutes before the start") {
		t.Errorf("DESCRIPTION = %q", d)
	}
	if strings.Contains(ics, "secret") {
		t.Error("the join link is never in the calendar file")
	}
	g.Status = gatheringCancelled
	if !strings.Contains(string(CalendarICS(g, start)), "STATUS:CANCELLED\r\n") {
		t.Error("a cancelled gathering cancels the calendar entry")
	}
}

func TestGatheringValidation(t *testing.T) {
	s := New(Deps{}).Schedule
	ok := GatheringRequest{Title: "Orientation", StartsAt: "2026-12-03T18:00", TimeZone: "America/Denver", DurationMinutes: 60}
	g, err := s.validate(KindWebinar, ok)
	if err != nil {
		t.Fatal(err)
	}
	// 18:00 in Denver in December is UTC-7.
	if want := time.Date(2026, 12, 4, 1, 0, 0, 0, time.UTC); !g.StartsAt.Equal(want) || g.StartsAtLocal != "2026-12-03T18:00:00-07:00" {
		t.Errorf("local start: %v %s", g.StartsAt, g.StartsAtLocal)
	}
	if !g.EndsAt.Equal(g.StartsAt.Add(time.Hour)) || !g.Waitlist || g.Status != gatheringDraft || g.Audience != AudienceConsultants {
		t.Errorf("defaults: %+v", g)
	}
	for name, c := range map[string]struct {
		kind  string
		req   func(r *GatheringRequest)
		field string
	}{
		"zone":        {KindWebinar, func(r *GatheringRequest) { r.TimeZone = "Mars/Olympus" }, "time_zone"},
		"start":       {KindWebinar, func(r *GatheringRequest) { r.StartsAt = "tomorrow" }, "starts_at"},
		"duration":    {KindWebinar, func(r *GatheringRequest) { r.DurationMinutes = 0 }, "duration_minutes"},
		"capacity":    {KindEvent, func(r *GatheringRequest) { r.Capacity = -1 }, "capacity"},
		"in person":   {KindWebinar, func(r *GatheringRequest) { r.Format = FormatInPerson; r.Location = "Hall" }, "format"},
		"no location": {KindEvent, func(r *GatheringRequest) { r.Format = FormatInPerson }, "location"},
		"join url":    {KindWebinar, func(r *GatheringRequest) { r.JoinURL = "javascript:alert(1)" }, "join_url"},
		"audience":    {KindEvent, func(r *GatheringRequest) { r.Audience = "vips" }, "audience"},
		"status":      {KindEvent, func(r *GatheringRequest) { r.Status = "live" }, "status"},
	} {
		r := ok
		c.req(&r)
		_, err := s.validate(c.kind, r)
		e := graph.AsError(err)
		if e == nil || e.Kind != graph.KindInvalid || len(e.Details) == 0 || e.Details[0].Field != c.field {
			t.Errorf("%s: %v, want an invalid %s", name, err, c.field)
		}
	}
	if _, err := s.validate(KindEvent, GatheringRequest{Title: "Summit", StartsAt: "2027-03-01T09:00:00+01:00", DurationMinutes: 3 * 24 * 60,
		Format: FormatInPerson, Location: "Lisbon"}); err != nil {
		t.Errorf("a three-day in-person event: %v", err)
	}
}

func TestPercent(t *testing.T) {
	for _, c := range []struct {
		part, whole int64
		want        string
	}{{0, 0, "0.0"}, {1, 3, "33.3"}, {2, 3, "66.7"}, {5, 8, "62.5"}, {7, 7, "100.0"}} {
		if got := percent(c.part, c.whole); got != c.want {
			t.Errorf("percent(%d, %d) = %s, want %s", c.part, c.whole, got, c.want)
		}
	}
}
