package main

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/halo-oss/halo/engine"
	"github.com/halo-oss/halo/graph"
	"github.com/halo-oss/halo/graph/field"
	"github.com/halo-oss/halo/graph/genealogy"
	"github.com/halo-oss/halo/graph/sales"
)

// DemoProduct is a catalogue entry of PLAN.md §5.
type DemoProduct struct {
	Vendor, VendorName, SKU, Name string
	BV, CV, Retail                engine.Units
}

// DemoCatalogue is PLAN.md §5's default catalogue.
var DemoCatalogue = []DemoProduct{
	{"sunpower-demo", "SunPower (demo)", "SOLAR-6KW", "6 kW solar installation", 40000, 120000, 30000},
	{"sunpower-demo", "SunPower (demo)", "BATTERY-13KWH", "13 kWh home battery", 20000, 60000, 15000},
	{"ecobee-demo", "ecobee (demo)", "THERMOSTAT", "Smart thermostat", 1000, 3000, 1500},
	{"chargepoint-demo", "ChargePoint (demo)", "EV-CHARGER", "Home EV charger", 6000, 15000, 4000},
}

// DemoPassword is the password of every demo consultant and customer.
const DemoPassword = "demo-password"

// demoNow is the demo's "now": today's midnight (UTC). Back-dating from it rather than from the
// clock makes the demo the same whatever the time of day it is seeded at (from the clock, the
// named members' registrations and the history's activations moved against the weekly periods
// with the hour, and a demo seeded after midnight showed no pool line).
func demoNow(now time.Time) time.Time { return now.UTC().Truncate(24 * time.Hour) }

// SeedDemo creates the demo catalogue and a small network under the root, idempotently: members
// that exist are left as they are.
// New demo vendors' signing secrets are returned (shown this once).
func SeedDemo(ctx context.Context, vendors *sales.VendorService, members *genealogy.MemberService, rootID string, log *slog.Logger) (map[string]string, error) {
	clock := members.Now().UTC()
	now := demoNow(clock)
	secrets := map[string]string{}
	demoFrom := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, p := range DemoCatalogue {
		if _, err := vendors.Get(ctx, p.Vendor); graph.KindOf(err) == graph.KindNotFound {
			v, err := vendors.Create(ctx, sales.CreateVendorRequest{ID: p.Vendor, Name: p.VendorName})
			if err != nil {
				return nil, err
			}
			secrets[p.Vendor] = v.SigningSecret
		} else if err != nil {
			return nil, err
		}
		if _, err := vendors.PutProduct(ctx, p.Vendor, p.SKU, sales.ProductRequest{Name: p.Name, BV: p.BV.Decimal().String(), CV: p.CV.String(),
			Retail: p.Retail.String(), EffectiveFrom: &demoFrom}); err != nil {
			return nil, err
		}
	}
	type demo struct {
		id, name, plan, sponsor string
		placement               *genealogy.Placement
		daysAgo                 int
	}
	p := func(parent, leg string) *genealogy.Placement { return &genealogy.Placement{ParentID: parent, Leg: leg} }
	s := func(strategy string) *genealogy.Placement { return &genealogy.Placement{Strategy: strategy} }
	network := []demo{
		{"ana", "Ana Ruiz", "consultant_plus", rootID, p(rootID, "left"), 60},
		{"ben", "Ben Okafor", "consultant_plus", rootID, p(rootID, "right"), 59},
		{"carla", "Carla Jensen", "consultant", "ana", p("ana", "left"), 40},
		{"dev", "Dev Patel", "consultant", "ana", p("ana", "right"), 39},
		{"emma", "Emma Larsen", "affiliate", "ben", p("ben", "left"), 45},
		{"farid", "Farid Haddad", "consultant", "ben", p("ben", "right"), 44},
		{"gina", "Gina Rossi", "consultant", "carla", s(genealogy.StrategyExtremeLeft), 37},
		{"hiro", "Hiro Tanaka", "affiliate", "carla", s(genealogy.StrategyWeakerLeg), 36},
		{"ines", "Ines Duarte", "consultant", "dev", s(genealogy.StrategyBalanced), 35},
		{"jon", "Jon Berg", "consultant_plus", "farid", s(genealogy.StrategyExtremeRight), 33},
		{"kim", "Kim Nguyen", "consultant", "jon", s(genealogy.StrategyWeakerLeg), 30},
		{"leo", "Leo Martin", "affiliate", "ana", s(genealogy.StrategyBalanced), 28},
		{"cust-mia", "Mia Customer", "customer", "carla", nil, 36},
		{"cust-noah", "Noah Customer", "customer", "dev", nil, 34},
		{"cust-olga", "Olga Customer", "customer", "emma", nil, 40},
		{"cust-pablo", "Pablo Customer", "customer", "jon", nil, 29},
	}
	root, err := members.Get(ctx, rootID)
	if err != nil {
		return nil, err
	}
	created := 0
	for _, d := range network {
		if _, err := members.Get(ctx, d.id); err == nil {
			continue
		} else if graph.KindOf(err) != graph.KindNotFound {
			return nil, err
		}
		// Back-dated so the demo has history; never before the root (nor after now).
		at := now.AddDate(0, 0, -d.daysAgo)
		if !at.After(root.RegisteredAt) {
			// The root is younger than the demo's history (a fresh database started without
			// HALO_ROOT_REGISTERED_AT): the same order, squeezed between the root's registration
			// and now, so nobody predates its sponsor or parent nor lies in the future.
			at = root.RegisteredAt.Add(clock.Sub(root.RegisteredAt) * time.Duration(61-d.daysAgo) / 62)
		}
		_, err := members.Register(ctx, genealogy.RegisterRequest{ID: d.id, Name: d.name, Email: d.id + "@demo.halo.local", Password: DemoPassword,
			Plan: d.plan, SponsorID: d.sponsor, Placement: d.placement, RegisteredAt: &at})
		if err != nil {
			return nil, fmt.Errorf("demo member %s: %w", d.id, err)
		}
		created++
	}
	log.Info("demo network ready", "members_created", created, "members", len(network), "products", len(DemoCatalogue))
	return secrets, nil
}

// SeedField gives the demo its field enablement, once: the onboarding track, two knowledge-base
// articles, a past orientation (with a recording and attendance), an upcoming orientation
// webinar and an in-person event, with a few registrations.
func SeedField(ctx context.Context, content *field.ContentService, f field.Services, log *slog.Logger) error {
	ctx = graph.WithActor(ctx, "seed-demo")
	admin := graph.Principal{ID: "seed-demo", Role: graph.RoleAdmin}
	if t, err := f.Onboarding.Track(ctx); err != nil {
		return err
	} else if len(t.Steps) == 0 {
		if _, err := f.Onboarding.SetTrack(ctx, field.OnboardingTrack{Steps: []field.OnboardingStep{
			{Key: "orientation", Title: "New consultant orientation"}, {Key: "compliance", Title: "Compliance and claims"}}}); err != nil {
			return err
		}
	}
	if p, err := content.List(ctx, admin, field.ArticleFilter{}, "", 1); err != nil {
		return err
	} else if len(p.Items) == 0 {
		for _, a := range []field.ArticleRequest{
			{Title: "How the binary bonus works", Category: "compensation", Tags: []string{"binary", "plan"}, Audience: field.AudienceConsultants, Status: "published",
				Body: "# The binary bonus\n\nEach week the **lesser leg's** volume is paired with the same volume of the greater leg; what is not paired carries forward."},
			{Title: "What happens after your solar installation", Category: "customers", Tags: []string{"solar"}, Audience: field.AudienceCustomers, Status: "published",
				Body: "Your installer schedules the inspection; activation follows the utility's permission to operate."},
		} {
			if _, err := content.Create(ctx, a); err != nil {
				return err
			}
		}
	}
	if p, err := f.Schedule.List(ctx, admin, field.KindWebinar, "all", "", 1); err != nil || len(p.Items) > 0 {
		return err
	}
	now := f.Schedule.Now().UTC().Truncate(time.Hour)
	past, err := f.Schedule.Create(ctx, field.KindWebinar, field.GatheringRequest{Title: "New consultant orientation", Presenter: "Ana Ruiz",
		Description: "The plan, the products and your first week.", StartsAt: now.AddDate(0, 0, -7).Format(time.RFC3339),
		TimeZone: "America/Denver", DurationMinutes: 60, Audience: field.AudienceConsultants, Status: "published", OnboardingStep: "orientation",
		JoinURL: "https://meet.example.com/halo-orientation", RecordingURL: "https://video.example.com/halo-orientation"})
	if err != nil {
		return err
	}
	if _, err := f.Attendance.Mark(ctx, field.KindWebinar, past.ID, "import", field.AttendanceRequest{Members: []string{"carla", "dev", "gina"}}); err != nil {
		return err
	}
	next, err := f.Schedule.Create(ctx, field.KindWebinar, field.GatheringRequest{Title: "New consultant orientation", Presenter: "Ana Ruiz",
		Description: "The plan, the products and your first week.", StartsAt: now.AddDate(0, 0, 2).Format(time.RFC3339),
		TimeZone: "America/Denver", DurationMinutes: 60, Capacity: 100, Audience: field.AudienceConsultants, Status: "published",
		OnboardingStep: "orientation", JoinURL: "https://meet.example.com/halo-orientation"})
	if err != nil {
		return err
	}
	event, err := f.Schedule.Create(ctx, field.KindEvent, field.GatheringRequest{Title: "Compliance day", Format: field.FormatInPerson, Location: "Denver Convention Center, Room 204",
		Description: "What you may and may not promise about savings, and how to present the plan.", StartsAt: now.AddDate(0, 0, 14).Format(time.RFC3339),
		TimeZone: "America/Denver", DurationMinutes: 240, Capacity: 3, Audience: field.AudienceConsultants, Status: "published", OnboardingStep: "compliance"})
	if err != nil {
		return err
	}
	for _, r := range []struct{ id, member string }{{next.ID, "hiro"}, {next.ID, "ines"}, {next.ID, "kim"},
		{event.ID, "carla"}, {event.ID, "dev"}, {event.ID, "gina"}, {event.ID, "kim"}} {
		kind := field.KindWebinar
		if r.id == event.ID {
			kind = field.KindEvent
		}
		if _, err := f.Registrations.Register(ctx, admin, kind, r.id, field.RegisterRequest{MemberID: r.member}); err != nil {
			return fmt.Errorf("demo registration of %s: %w", r.member, err)
		}
	}
	log.Info("demo field enablement ready", "webinars", 2, "events", 1, "articles", 2)
	return nil
}
