package graph

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/halo-oss/halo/engine"
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

// SeedDemo creates the demo catalogue and a small network under the root, idempotently: members
// that exist are left as they are.
// New demo vendors' signing secrets are returned (shown this once).
func SeedDemo(ctx context.Context, vendors *VendorService, members *MemberService, rootID string, log *slog.Logger) (map[string]string, error) {
	now := members.Now().UTC()
	secrets := map[string]string{}
	demoFrom := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, p := range DemoCatalogue {
		if _, err := vendors.Get(ctx, p.Vendor); KindOf(err) == KindNotFound {
			v, err := vendors.Create(ctx, CreateVendorRequest{ID: p.Vendor, Name: p.VendorName})
			if err != nil {
				return nil, err
			}
			secrets[p.Vendor] = v.SigningSecret
		} else if err != nil {
			return nil, err
		}
		if _, err := vendors.PutProduct(ctx, p.Vendor, p.SKU, ProductRequest{Name: p.Name, BV: p.BV.Decimal().String(), CV: p.CV.String(),
			Retail: p.Retail.String(), EffectiveFrom: &demoFrom}); err != nil {
			return nil, err
		}
	}
	type demo struct {
		id, name, plan, sponsor string
		placement               *Placement
		daysAgo                 int
	}
	p := func(parent, leg string) *Placement { return &Placement{ParentID: parent, Leg: leg} }
	s := func(strategy string) *Placement { return &Placement{Strategy: strategy} }
	network := []demo{
		{"ana", "Ana Ruiz", "consultant_plus", rootID, p(rootID, "left"), 60},
		{"ben", "Ben Okafor", "consultant_plus", rootID, p(rootID, "right"), 59},
		{"carla", "Carla Jensen", "consultant", "ana", p("ana", "left"), 40},
		{"dev", "Dev Patel", "consultant", "ana", p("ana", "right"), 39},
		{"emma", "Emma Larsen", "affiliate", "ben", p("ben", "left"), 30},
		{"farid", "Farid Haddad", "consultant", "ben", p("ben", "right"), 29},
		{"gina", "Gina Rossi", "consultant", "carla", s(StrategyExtremeLeft), 20},
		{"hiro", "Hiro Tanaka", "affiliate", "carla", s(StrategyWeakerLeg), 18},
		{"ines", "Ines Duarte", "consultant", "dev", s(StrategyBalanced), 15},
		{"jon", "Jon Berg", "consultant_plus", "farid", s(StrategyExtremeRight), 12},
		{"kim", "Kim Nguyen", "consultant", "jon", s(StrategyWeakerLeg), 8},
		{"leo", "Leo Martin", "affiliate", "ana", s(StrategyBalanced), 5},
		{"cust-mia", "Mia Customer", "customer", "carla", nil, 19},
		{"cust-noah", "Noah Customer", "customer", "dev", nil, 14},
		{"cust-olga", "Olga Customer", "customer", "emma", nil, 10},
		{"cust-pablo", "Pablo Customer", "customer", "jon", nil, 6},
	}
	root, err := members.Get(ctx, rootID)
	if err != nil {
		return nil, err
	}
	created := 0
	for _, d := range network {
		if _, err := members.Get(ctx, d.id); err == nil {
			continue
		} else if KindOf(err) != KindNotFound {
			return nil, err
		}
		// Back-dated so the demo has history; never before the root (nor after now).
		at := now.AddDate(0, 0, -d.daysAgo)
		if !at.After(root.RegisteredAt) {
			at = root.RegisteredAt.Add(time.Duration(61-d.daysAgo) * time.Second)
		}
		_, err := members.Register(ctx, RegisterRequest{ID: d.id, Name: d.name, Email: d.id + "@demo.halo.local", Password: DemoPassword,
			Plan: d.plan, SponsorID: d.sponsor, Placement: d.placement, RegisteredAt: &at})
		if err != nil {
			return nil, fmt.Errorf("demo member %s: %w", d.id, err)
		}
		created++
	}
	log.Info("demo network ready", "members_created", created, "members", len(network), "products", len(DemoCatalogue))
	return secrets, nil
}
