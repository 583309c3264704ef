package field

import (
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// CalendarICS is an iCalendar file (RFC 5545) for one webinar or event. Times are in UTC, which
// every calendar converts to its own zone; the UID is stable and SEQUENCE follows the
// gathering's changes, so a re-import updates the entry and a cancellation cancels it. The join
// link is not in the file: it is only shown in Halo near the start.
func CalendarICS(g Gathering, now time.Time) []byte {
	const stamp = "20060102T150405Z"
	var b strings.Builder
	line := func(name, value string) { foldLine(&b, name+":"+value) }
	line("BEGIN", "VCALENDAR")
	line("VERSION", "2.0")
	line("PRODID", "-//Halo//Field enablement//EN")
	line("CALSCALE", "GREGORIAN")
	line("METHOD", "PUBLISH")
	line("BEGIN", "VEVENT")
	line("UID", g.ID+"@halo")
	line("DTSTAMP", now.UTC().Format(stamp))
	line("DTSTART", g.StartsAt.UTC().Format(stamp))
	line("DTEND", g.EndsAt.UTC().Format(stamp))
	line("SEQUENCE", strconv.Itoa(g.Sequence))
	line("SUMMARY", icsText(g.Title))
	desc := g.DescriptionMD
	if g.Presenter != "" {
		desc = "Presenter: " + g.Presenter + "\n\n" + desc
	}
	if g.Format == FormatOnline {
		desc += "\n\nThe join link is shown in Halo " + strconv.Itoa(int(g.StartsAt.Sub(g.JoinOpensAt).Minutes())) + " minutes before the start."
	}
	line("DESCRIPTION", icsText(strings.TrimSpace(desc)))
	loc := g.Location
	if loc == "" && g.Format == FormatOnline {
		loc = "Online"
	}
	if loc != "" {
		line("LOCATION", icsText(loc))
	}
	status := "CONFIRMED"
	if g.Status == gatheringCancelled {
		status = "CANCELLED"
	}
	line("STATUS", status)
	line("END", "VEVENT")
	line("END", "VCALENDAR")
	return []byte(b.String())
}

// icsText escapes a TEXT value (RFC 5545 §3.3.11).
func icsText(s string) string {
	r := strings.NewReplacer(`\`, `\\`, ";", `\;`, ",", `\,`, "\r\n", `\n`, "\n", `\n`, "\r", `\n`)
	return r.Replace(s)
}

// foldLine writes a content line folded at 75 octets, never inside a UTF-8 character, with CRLF
// (RFC 5545 §3.1).
func foldLine(b *strings.Builder, s string) {
	limit := 75
	for len(s) > limit {
		cut := limit
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		b.WriteString(s[:cut])
		b.WriteString("\r\n ")
		s = s[cut:]
		limit = 74 // a continuation line starts with the space
	}
	b.WriteString(s)
	b.WriteString("\r\n")
}
