package api_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/halo-oss/halo/internal/app"
)

// clock is a settable time for the gathering service.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) set(t time.Time) { c.mu.Lock(); defer c.mu.Unlock(); c.t = t }

// member registers id (sponsored by sponsor) with a password and returns it logged in.
func (hs *harness) member(id, plan, sponsor string) *harness {
	hs.t.Helper()
	req := map[string]any{"id": id, "name": "Member " + id, "email": id + "@example.com", "password": "pass-" + id + "-word", "plan": plan,
		"sponsor_id": sponsor, "registered_at": rootAt.Add(time.Hour).Format(time.RFC3339)}
	if code, b := hs.call("POST", "/api/v1/members", req); code != 201 {
		hs.t.Fatalf("register %s: %d %v", id, code, b)
	}
	code, tok := hs.login(id+"@example.com", "pass-"+id+"-word")
	if code != 200 {
		hs.t.Fatalf("login %s: %d", id, code)
	}
	return hs.as(tok)
}

func (hs *harness) gathering(kind string, req map[string]any) string {
	hs.t.Helper()
	code, b := hs.call("POST", "/api/v1/"+kind, req)
	if code != 201 {
		hs.t.Fatalf("create %s: %d %v", kind, code, b)
	}
	return b["id"].(string)
}

// countersMatch checks a gathering's kept counters against its registrations.
func (hs *harness) countersMatch(kind, id string) {
	hs.t.Helper()
	_, g := hs.call("GET", "/api/v1/"+kind+"/"+id, nil)
	for field, status := range map[string]string{"confirmed": "confirmed", "waitlisted": "waitlisted", "attended": "attended"} {
		_, regs := hs.call("GET", "/api/v1/"+kind+"/"+id+"/registrations?limit=1000&status="+status, nil)
		if n := len(items(regs)); float64(n) != g[field] {
			hs.t.Errorf("%s %s: %s counter %v, registrations %d", kind, id, field, g[field], n)
		}
	}
}

func items(b map[string]any) []map[string]any {
	var out []map[string]any
	xs, _ := b["items"].([]any)
	for _, x := range xs {
		out = append(out, x.(map[string]any))
	}
	return out
}

func TestWebinarsEventsAndOnboarding(t *testing.T) {
	hs := newHarness(t)
	now := &clock{t: time.Date(2026, 12, 1, 15, 0, 0, 0, time.UTC)}
	hs.srv.Schedule.Now = now.Now   // the field services share one clock
	hs.srv.Dashboards.Now = now.Now // and a dashboard shows the registrations that have not ended by it
	ana, ben, cy := hs.member("ana", "consultant", "root"), hs.member("ben", "consultant", "root"), hs.member("cy", "consultant", "root")
	hs.member("dee", "consultant", "root")
	eve := hs.member("eve", "consultant", "ana") // generation 2 below root
	cu := hs.member("cu", "customer", "ana")

	if code, b := hs.call("PUT", "/api/v1/onboarding/track", map[string]any{"steps": []map[string]any{
		{"key": "Orientation", "title": "New consultant orientation"}, {"key": "compliance", "title": "Compliance and claims"}}}); code != 200 {
		t.Fatalf("track: %d %v", code, b)
	}
	if code, _ := ana.call("PUT", "/api/v1/onboarding/track", map[string]any{"steps": []any{}}); code != 403 {
		t.Errorf("only admins set the track: %d", code)
	}
	start := now.Now().Add(2 * time.Hour)
	web := map[string]any{"title": "Orientation", "description_markdown": "Welcome! <script>alert(1)</script>", "presenter": "Maya Chen",
		"starts_at": start.In(time.FixedZone("MST", -7*3600)).Format("2006-01-02T15:04"), "time_zone": "America/Denver", "duration_minutes": 60,
		"capacity": 2, "audience": "consultants", "status": "published", "onboarding_step": "orientation",
		"join_url": "https://meet.example.com/orientation", "recording_url": "https://video.example.com/orientation"}
	bad := map[string]any{}
	for k, v := range web {
		bad[k] = v
	}
	bad["onboarding_step"] = "yoga"
	if code, b := hs.call("POST", "/api/v1/webinars", bad); code != 422 {
		t.Errorf("a step outside the track: %d %v", code, b)
	}
	w := hs.gathering("webinars", web)
	_, g := hs.call("GET", "/api/v1/webinars/"+w, nil)
	if g["starts_at"] != start.Format(time.RFC3339) || g["starts_at_local"] != start.In(time.FixedZone("MST", -7*3600)).Format(time.RFC3339) ||
		strings.Contains(g["description_html"].(string), "<script") {
		t.Errorf("wall-clock start in the zone, sanitized description: %v", g)
	}
	open := hs.gathering("webinars", map[string]any{"title": "Weekly Q&A", "starts_at": start.Format(time.RFC3339), "duration_minutes": 30,
		"status": "published", "join_url": "https://meet.example.com/q-and-a"})
	if code, _ := hs.call("GET", "/api/v1/events/"+w, nil); code != 404 {
		t.Errorf("a webinar is not an event: %d", code)
	}

	// RSVP: two seats, then the waitlist; repeating changes nothing; customers are not the audience.
	rsvp := func(h *harness, kind, id string, body any) (int, map[string]any) {
		return h.call("POST", "/api/v1/"+kind+"/"+id+"/registrations", body)
	}
	if code, b := rsvp(ana, "webinars", w, nil); code != 201 || b["status"] != "confirmed" {
		t.Fatalf("ana: %d %v", code, b)
	}
	if code, b := rsvp(ana, "webinars", w, nil); code != 200 || b["status"] != "confirmed" {
		t.Errorf("repeat: %d %v", code, b)
	}
	rsvp(ben, "webinars", w, nil)
	if code, b := rsvp(cy, "webinars", w, nil); code != 201 || b["status"] != "waitlisted" || b["position"] != 1.0 {
		t.Errorf("cy waits: %d %v", code, b)
	}
	if code, _ := rsvp(cu, "webinars", w, nil); code != 404 {
		t.Errorf("a customer outside the audience: %d", code)
	}
	if code, _ := rsvp(ana, "webinars", w, map[string]any{"member_id": "ben"}); code != 403 {
		t.Errorf("a consultant registers only itself: %d", code)
	}
	_, g = ana.call("GET", "/api/v1/webinars/"+w, nil)
	if g["seats_left"] != 0.0 || g["confirmed"] != 2.0 || g["waitlisted"] != 1.0 || g["join_url"] != nil || g["recording_url"] != nil ||
		g["my_registration"].(map[string]any)["status"] != "confirmed" {
		t.Errorf("ana before the start: %v", g)
	}
	_, l := cy.call("GET", "/api/v1/webinars", nil)
	var place any
	for _, it := range items(l) {
		if it["id"] == w {
			place = it["my_registration"].(map[string]any)["position"]
		}
	}
	if len(items(l)) != 2 || place != 1.0 {
		t.Errorf("cy's list: %v", l)
	}
	_, d := ben.call("GET", "/api/v1/members/ben/dashboard", nil)
	if up := d["upcoming_registrations"].([]any); len(up) != 1 || up[0].(map[string]any)["gathering_id"] != w {
		t.Errorf("ben's dashboard lists the webinar: %v", d["upcoming_registrations"])
	}
	if code, b := ana.call("DELETE", "/api/v1/webinars/"+w+"/registrations/ben", nil); code != 404 {
		t.Errorf("ana cancels ben: %d %v", code, b)
	}

	// A cancellation promotes the head of the waitlist and tells it.
	code, c := ana.call("DELETE", "/api/v1/webinars/"+w+"/registrations/ana", nil)
	if code != 200 || c["promoted"].(map[string]any)["member_id"] != "cy" {
		t.Fatalf("cancel: %d %v", code, c)
	}
	if seats := hs.notes.seated(); len(seats) != 1 || seats[0] != "cy@example.com "+w {
		t.Errorf("cy is told: %v", seats)
	}
	if code, b := rsvp(ana, "webinars", w, nil); code != 201 || b["status"] != "waitlisted" {
		t.Errorf("ana is back at the end of the line: %d %v", code, b)
	}

	if code, _ := hs.call("POST", "/api/v1/webinars/"+w+"/attendance", map[string]any{"members": []string{"ben"}}); code != 409 {
		t.Errorf("attendance before the start: %d", code)
	}

	// The join link shows to confirmed registrants from 15 minutes before the start.
	now.set(start.Add(-20 * time.Minute))
	if _, g := cy.call("GET", "/api/v1/webinars/"+w, nil); g["join_url"] != nil {
		t.Error("no join link 20 minutes before")
	}
	now.set(start.Add(-10 * time.Minute))
	if _, g := cy.call("GET", "/api/v1/webinars/"+w, nil); g["join_url"] != "https://meet.example.com/orientation" {
		t.Errorf("cy's join link 10 minutes before: %v", g["join_url"])
	}
	if _, g := ana.call("GET", "/api/v1/webinars/"+w, nil); g["join_url"] != nil {
		t.Error("no join link on the waitlist")
	}
	if _, g := eve.call("GET", "/api/v1/webinars/"+w, nil); g["join_url"] != nil {
		t.Error("no join link without a registration")
	}
	if _, g := eve.call("GET", "/api/v1/webinars/"+open, nil); g["join_url"] != "https://meet.example.com/q-and-a" {
		t.Errorf("unlimited seats: the audience joins without registering: %v", g["join_url"])
	}
	code, ics := cy.csv("/api/v1/webinars/" + w + "/calendar.ics")
	if code != 200 || !strings.Contains(ics, "SUMMARY:Orientation\r\n") || strings.Contains(ics, "meet.example.com") {
		t.Errorf("calendar: %d %q", code, ics)
	}

	// Attendance: marked by hand, then imported from a platform's export.
	if code, b := hs.call("POST", "/api/v1/webinars/"+w+"/attendance", map[string]any{"members": []string{"ben", "CY@example.com", "ghost"}}); code != 200 ||
		b["marked"] != 2.0 || b["walk_ins"] != 0.0 || len(b["unknown"].([]any)) != 1 {
		t.Errorf("mark: %d %v", code, b)
	}
	code, b := hs.raw("POST", "/api/v1/webinars/"+w+"/attendance", "text/csv", "Name (Original Name),User Email,Join Time\nDee,dee@example.com,2026-12-01 17:01\nX,nobody@example.com,2026-12-01 17:02\n")
	if code != 200 || b["walk_ins"] != 1.0 || b["unknown"].([]any)[0] != "nobody@example.com" {
		t.Errorf("import: %d %v", code, b)
	}
	if code, b := ana.call("POST", "/api/v1/webinars/"+w+"/attendance", map[string]any{"members": []string{"ana"}}); code != 403 {
		t.Errorf("consultants do not mark attendance: %d %v", code, b)
	}
	if _, b := hs.call("POST", "/api/v1/webinars/"+w+"/attendance", map[string]any{"members": []string{"ben"}, "attended": false}); b["marked"] != 1.0 {
		t.Errorf("unmark: %v", b)
	}
	if _, g := hs.call("GET", "/api/v1/webinars/"+w, nil); g["attended"] != 2.0 {
		t.Errorf("attended after taking ben's mark back: %v", g["attended"])
	}
	hs.call("POST", "/api/v1/webinars/"+w+"/attendance", map[string]any{"members": []string{"ben"}})
	_, regs := hs.call("GET", "/api/v1/webinars/"+w+"/registrations?status=attended", nil)
	var attended []string
	for _, r := range items(regs) {
		attended = append(attended, fmt.Sprint(r["member_id"], ":", r["status"], ":", r["attendance_source"]))
	}
	sort.Strings(attended)
	if strings.Join(attended, " ") != "ben:confirmed:manual cy:confirmed:manual dee:walk_in:import" {
		t.Errorf("attended: %v", attended)
	}

	// The recording once it has ended, for the audience.
	now.set(start.Add(2 * time.Hour))
	if _, g := eve.call("GET", "/api/v1/webinars/"+w, nil); g["recording_url"] != "https://video.example.com/orientation" || g["join_url"] != nil {
		t.Errorf("after the end: %v %v", g["recording_url"], g["join_url"])
	}
	if code, _ := rsvp(eve, "webinars", w, nil); code != 409 {
		t.Errorf("registration has closed: %d", code)
	}
	if _, l := eve.call("GET", "/api/v1/webinars?when=past", nil); len(items(l)) != 2 {
		t.Errorf("past webinars: %v", l)
	}

	// An in-person event for the compliance step; registration closes at its start.
	evStart := now.Now().Add(24 * time.Hour)
	ev := hs.gathering("events", map[string]any{"title": "Compliance day", "format": "in_person", "location": "Denver, Hall B",
		"starts_at": evStart.Format(time.RFC3339), "duration_minutes": 240, "capacity": 1, "waitlist": false, "status": "published",
		"onboarding_step": "compliance", "audience": "all"})
	if code, _ := rsvp(cy, "events", ev, nil); code != 201 {
		t.Errorf("cy: %d", code)
	}
	if code, b := rsvp(hs, "events", ev, map[string]any{"member_id": "dee"}); code != 409 || !strings.Contains(fmt.Sprint(b), "full") {
		t.Errorf("full without a waitlist: %d %v", code, b)
	}
	if code, b := hs.call("PUT", "/api/v1/events/"+ev, map[string]any{"title": "Compliance day", "format": "in_person", "location": "Denver, Hall B",
		"starts_at": evStart.Format(time.RFC3339), "duration_minutes": 240, "capacity": 2, "waitlist": false, "status": "published",
		"onboarding_step": "compliance", "audience": "all"}); code != 200 || b["sequence"] != 1.0 || b["seats_left"] != 1.0 {
		t.Errorf("more seats: %d %v", code, b)
	}
	if code, b := rsvp(cu, "events", ev, nil); code != 201 {
		t.Errorf("an event for all takes customers: %d %v", code, b)
	}
	_, cd := cu.call("GET", "/api/v1/members/cu/customer-dashboard", nil)
	if up := cd["upcoming_registrations"].([]any); len(up) != 1 {
		t.Errorf("the customer's dashboard: %v", cd["upcoming_registrations"])
	}
	if code, b := hs.call("PUT", "/api/v1/events/"+ev, map[string]any{"title": "Compliance day", "format": "in_person", "location": "Denver, Hall B",
		"starts_at": evStart.Format(time.RFC3339), "duration_minutes": 240, "capacity": 1, "status": "published", "onboarding_step": "compliance"}); code != 409 {
		t.Errorf("capacity below the confirmed seats: %d %v", code, b)
	}
	now.set(evStart.Add(time.Minute))
	if code, _ := rsvp(hs, "events", ev, map[string]any{"member_id": "ben"}); code != 409 {
		t.Errorf("an event's registration closes at the start: %d", code)
	}
	if code, _ := cy.call("DELETE", "/api/v1/events/"+ev+"/registrations/cy", nil); code != 409 {
		t.Errorf("no cancelling after the start: %d", code)
	}
	hs.call("POST", "/api/v1/events/"+ev+"/attendance", map[string]any{"members": []string{"cy"}})

	hs.countersMatch("webinars", w)
	hs.countersMatch("events", ev)

	// Onboarding: cy attended both steps; ben, dee the orientation; ana and eve nothing.
	_, o := hs.call("GET", "/api/v1/members/root/onboarding", nil)
	gens := o["generations"].([]any)
	g1 := gens[0].(map[string]any)
	if len(gens) != 2 || g1["members"] != 4.0 || g1["completed"] != 1.0 || g1["percent"] != "25.0" ||
		fmt.Sprint(g1["by_step"]) != "[map[completed:3 step:orientation] map[completed:1 step:compliance]]" {
		t.Errorf("generation 1: %v", o)
	}
	if g2 := gens[1].(map[string]any); g2["members"] != 1.0 || g2["completed"] != 0.0 {
		t.Errorf("generation 2 (eve; the customer does not count): %v", g2)
	}
	_, om := hs.call("GET", "/api/v1/members/root/onboarding/1?completed=false", nil)
	var behind []string
	for _, m := range items(om) {
		behind = append(behind, fmt.Sprint(m["id"], m["steps_done"]))
	}
	if strings.Join(behind, " ") != "ana[] ben[orientation] dee[orientation]" {
		t.Errorf("not completed: %v", behind)
	}
	_, d = cy.call("GET", "/api/v1/members/cy/dashboard", nil)
	if p := d["onboarding"].(map[string]any); p["completed"] != true || fmt.Sprint(p["steps_done"]) != "[orientation compliance]" {
		t.Errorf("cy's own progress: %v", p)
	}
	if code, _ := ana.call("GET", "/api/v1/members/ana/onboarding", nil); code != 200 {
		t.Errorf("a leader sees its own downline: %d", code)
	}
	if code, _ := ana.call("GET", "/api/v1/members/root/onboarding", nil); code != 404 {
		t.Errorf("not above itself: %d", code)
	}
	if code, _ := hs.call("GET", "/api/v1/members/root/onboarding/9", nil); code != 422 {
		t.Errorf("generation 9: %d", code)
	}
}

// secondInstance is another halod over the same Neo4j, built by the same composition root: its
// own gathering service, so its own in-process queue, and only the store's lock between the two.
func (hs *harness) secondInstance() *harness {
	a := app.New(hs.app.Config, hs.app.Plan, hs.app.Deps)
	srv := a.API()
	other := *hs
	other.app, other.srv, other.h = a, srv, srv.Handler()
	return &other
}

// Concurrent RSVPs for the last seat, through two instances: exactly one gets it; with a
// waitlist the rest queue in distinct places; concurrent cancellations promote in order and
// never overfill.
func TestLastSeatRace(t *testing.T) {
	hs := newHarness(t)
	const n = 20
	for i := 0; i < n+4; i++ {
		hs.register(fmt.Sprintf("m%02d", i), "consultant", "root", nil)
	}
	instances := []*harness{hs, hs.secondInstance()}
	start := time.Now().Add(48 * time.Hour).UTC().Format(time.RFC3339)
	var turn atomic.Int64
	rsvp := func(id, member string) (int, map[string]any) {
		h := instances[turn.Add(1)%2]
		return h.call("POST", "/api/v1/events/"+id+"/registrations", map[string]any{"member_id": member})
	}
	all := func(id string, member func(i int) string) ([]int, []map[string]any) {
		codes, bodies := make([]int, n), make([]map[string]any, n)
		var wg sync.WaitGroup
		gate := make(chan struct{})
		for i := 0; i < n; i++ {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				<-gate
				codes[i], bodies[i] = rsvp(id, member(i))
			}(i)
		}
		close(gate)
		wg.Wait()
		return codes, bodies
	}

	// No waitlist: 4 of 5 seats taken, 20 try at once.
	full := hs.gathering("events", map[string]any{"title": "Leadership dinner", "format": "in_person", "location": "Aspen",
		"starts_at": start, "duration_minutes": 180, "capacity": 5, "waitlist": false, "status": "published"})
	for i := 0; i < 4; i++ {
		if code, _ := rsvp(full, fmt.Sprintf("m%02d", n+i)); code != 201 {
			t.Fatalf("seat %d: %d", i, code)
		}
	}
	t0 := time.Now()
	codes, _ := all(full, func(i int) string { return fmt.Sprintf("m%02d", i) })
	t.Logf("%d concurrent registrations for the last seat took %v", n, time.Since(t0))
	got := map[int]int{}
	for _, c := range codes {
		got[c]++
	}
	if got[201] != 1 || got[409] != n-1 {
		t.Errorf("the last seat: %v", got)
	}
	if _, g := hs.call("GET", "/api/v1/events/"+full, nil); g["confirmed"] != 5.0 || g["seats_left"] != 0.0 {
		t.Errorf("after the race: %v", g)
	}

	// With a waitlist: 3 seats, 20 at once.
	wl := hs.gathering("events", map[string]any{"title": "Solar install tour", "format": "in_person", "location": "Boulder",
		"starts_at": start, "duration_minutes": 120, "capacity": 3, "status": "published"})
	codes, bodies := all(wl, func(i int) string { return fmt.Sprintf("m%02d", i) })
	var confirmed []string
	places := map[float64]string{}
	for i, b := range bodies {
		switch {
		case codes[i] != 201:
			t.Errorf("%d: %d %v", i, codes[i], b)
		case b["status"] == "confirmed":
			confirmed = append(confirmed, b["member_id"].(string))
		default:
			if prev, dup := places[b["position"].(float64)]; dup {
				t.Errorf("place %v given to %s and %s", b["position"], prev, b["member_id"])
			}
			places[b["position"].(float64)] = b["member_id"].(string)
		}
	}
	if len(confirmed) != 3 || len(places) != n-3 {
		t.Fatalf("confirmed %v, waitlist %d", confirmed, len(places))
	}
	for p := 1; p <= n-3; p++ {
		if places[float64(p)] == "" {
			t.Errorf("waitlist place %d is missing", p)
		}
	}
	// All three seated cancel at once: the first three on the list move up, no one else.
	var wg sync.WaitGroup
	for i, m := range confirmed {
		wg.Add(1)
		go func(h *harness, m string) {
			defer wg.Done()
			if code, b := h.call("DELETE", "/api/v1/events/"+wl+"/registrations/"+m, nil); code != 200 {
				t.Errorf("cancel %s: %d %v", m, code, b)
			}
		}(instances[i%2], m)
	}
	wg.Wait()
	_, regs := hs.call("GET", "/api/v1/events/"+wl+"/registrations?status=confirmed", nil)
	var now []string
	for _, r := range items(regs) {
		now = append(now, r["member_id"].(string))
	}
	sort.Strings(now)
	want := []string{places[1], places[2], places[3]}
	sort.Strings(want)
	if strings.Join(now, ",") != strings.Join(want, ",") {
		t.Errorf("seated after the cancellations: %v, want the head of the waitlist %v", now, want)
	}
	if _, g := hs.call("GET", "/api/v1/events/"+wl, nil); g["confirmed"] != 3.0 || g["waitlisted"] != float64(n-6) {
		t.Errorf("counts: %v", g)
	}
	code, sheet := hs.csv("/api/v1/events/" + wl + "/export.csv?status=waitlisted")
	rows := strings.Split(strings.TrimSpace(sheet), "\n")
	if code != 200 || len(rows) != 1+n-6 || !strings.HasPrefix(rows[0], "member_id,name,email,status,position") ||
		!strings.HasPrefix(rows[1], places[4]+",Member "+places[4]+","+places[4]+"@example.com,waitlisted,1,") {
		t.Errorf("check-in sheet: %d %q", code, sheet)
	}
	if code, _ := hs.csv("/api/v1/webinars/" + wl + "/export.csv"); code != 404 {
		t.Errorf("an event is no webinar: %d", code)
	}
	hs.countersMatch("events", full)
	hs.countersMatch("events", wl)
	if _, b := hs.call("GET", "/api/v1/events/"+wl+"/registrations?status=waitlisted&limit=1", nil); items(b)[0]["position"] != 1.0 || items(b)[0]["member_id"] != places[4] {
		t.Errorf("the new head of the waitlist: %v", b)
	}
}

// The .ics answer is a calendar file, not JSON.
func TestCalendarContentType(t *testing.T) {
	hs := newHarness(t)
	id := hs.gathering("webinars", map[string]any{"title": "Batteries 101", "starts_at": time.Now().Add(time.Hour).UTC().Format(time.RFC3339),
		"duration_minutes": 45, "status": "published"})
	req := httptest.NewRequest("GET", "/api/v1/webinars/"+id+"/calendar.ics", nil)
	req.Header.Set("Authorization", "Bearer "+hs.token)
	w := httptest.NewRecorder()
	hs.h.ServeHTTP(w, req)
	if w.Code != http.StatusOK || !strings.HasPrefix(w.Header().Get("Content-Type"), "text/calendar") ||
		!strings.Contains(w.Header().Get("Content-Disposition"), id+".ics") || !strings.HasPrefix(w.Body.String(), "BEGIN:VCALENDAR\r\n") {
		t.Errorf("%d %v %q", w.Code, w.Header(), w.Body.String())
	}
}

// Registrants hear of a cancellation or a new time; the calendar file follows.
func TestGatheringChangesNotifyRegistrants(t *testing.T) {
	hs := newHarness(t)
	for _, id := range []string{"a", "b", "c"} {
		hs.register(id, "consultant", "root", nil)
	}
	start := time.Now().Add(72 * time.Hour).UTC().Truncate(time.Minute)
	ev := map[string]any{"title": "Regional rally", "format": "in_person", "location": "Austin", "starts_at": start.Format(time.RFC3339),
		"duration_minutes": 120, "capacity": 1, "status": "published"}
	id := hs.gathering("events", ev)
	for _, m := range []string{"a", "b", "c"} {
		hs.call("POST", "/api/v1/events/"+id+"/registrations", map[string]any{"member_id": m})
	}
	hs.call("DELETE", "/api/v1/events/"+id+"/registrations/c", nil) // c's place is gone: not told
	hs.notes.changes = nil
	ev["capacity"] = 1
	ev["title"] = "Regional rally (new title)"
	if code, b := hs.call("PUT", "/api/v1/events/"+id, ev); code != 200 || len(hs.notes.changed()) != 0 {
		t.Errorf("a new title is no reschedule: %d %v %v", code, b, hs.notes.changed())
	}
	ev["starts_at"] = start.Add(24 * time.Hour).Format(time.RFC3339)
	hs.call("PUT", "/api/v1/events/"+id, ev)
	if got := strings.Join(hs.notes.changed(), ","); got != "rescheduled a@example.com "+id+",rescheduled b@example.com "+id {
		t.Errorf("rescheduled: %s", got)
	}
	hs.notes.changes = nil
	ev["status"] = "cancelled"
	hs.call("PUT", "/api/v1/events/"+id, ev)
	if got := strings.Join(hs.notes.changed(), ","); got != "cancelled a@example.com "+id+",cancelled b@example.com "+id {
		t.Errorf("cancelled: %s", got)
	}
	_, ics := hs.csv("/api/v1/events/" + id + "/calendar.ics")
	if !strings.Contains(ics, "STATUS:CANCELLED\r\n") || !strings.Contains(ics, "SEQUENCE:3\r\n") ||
		!strings.Contains(ics, "DTSTART:"+start.Add(24*time.Hour).Format("20060102T150405Z")) {
		t.Errorf("calendar after the changes: %q", ics)
	}
	if code, _ := hs.call("POST", "/api/v1/events/"+id+"/registrations", map[string]any{"member_id": "c"}); code != 409 {
		t.Errorf("no registration for a cancelled event: %d", code)
	}
}
