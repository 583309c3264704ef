package scenario

import (
	"strings"
	"testing"
)

const products = `"products":[{"vendor":"v","sku":"SOLAR","bv":400,"cv":"1200.00","retail_commission":"300.00"}]`

func sim(t *testing.T, body string) (*Output, error) {
	t.Helper()
	f, err := Parse([]byte(`{"scenario":{` + products + `,` + body + `}}`))
	if err != nil {
		t.Fatal(err)
	}
	return Simulate(&f.Scenario, true)
}

func TestBadScenariosAreErrorsNamingTheMemberOrEvent(t *testing.T) {
	root := `{"id":"root","plan":"consultant_plus","registered_at":"2026-01-01T00:00:00Z"}`
	a := `{"id":"A","plan":"consultant","sponsor":"root","parent":"root","leg":"left","registered_at":"2026-01-02T00:00:00Z"}`
	runs := `"runs":[{"end":"2026-01-12T00:00:00Z"},{"end":"2026-01-19T00:00:00Z"}]`
	cases := map[string]string{
		"event x1: unknown member":                                      `"members":[` + root + `],"events":[{"id":"x1","type":"activation","member":"ghost","sku":"SOLAR","occurred_at":"2026-01-03T00:00:00Z"}],` + runs,
		"member B: the left slot of root":                               `"members":[` + root + `,` + a + `,{"id":"B","plan":"consultant","sponsor":"root","parent":"root","leg":"left","registered_at":"2026-01-02T00:00:00Z"}],"events":[],` + runs,
		"event u1: upgrade of A from consultant to affiliate goes down": `"members":[` + root + `,` + a + `],"events":[{"id":"u1","type":"upgrade","member":"A","plan":"affiliate","occurred_at":"2026-01-03T00:00:00Z"}],` + runs,
		"member A: registered_at":                                       `"members":[` + root + `,{"id":"A","plan":"consultant","sponsor":"root","parent":"root","leg":"left","registered_at":"yesterday"}],"events":[],` + runs,
		"event c1: cancellation is earlier":                             `"members":[` + root + `,` + a + `],"events":[{"id":"x1","type":"activation","member":"A","sku":"SOLAR","occurred_at":"2026-01-05T00:00:00Z"},{"id":"c1","type":"cancellation","activation":"x1","occurred_at":"2026-01-04T00:00:00Z"}],` + runs,
		"event c2: cancels activation \"x9\"":                           `"members":[` + root + `,` + a + `],"events":[{"id":"c2","type":"cancellation","activation":"x9","occurred_at":"2026-01-04T00:00:00Z"}],` + runs,
		"event c3: activation x1 is already cancelled":                  `"members":[` + root + `,` + a + `],"events":[{"id":"x1","type":"activation","member":"A","sku":"SOLAR","occurred_at":"2026-01-05T00:00:00Z"},{"id":"c1","type":"cancellation","activation":"x1","occurred_at":"2026-01-06T00:00:00Z"},{"id":"c3","type":"cancellation","activation":"x1","occurred_at":"2026-01-07T00:00:00Z"}],` + runs,
		"event x2: unknown sku":                                         `"members":[` + root + `,` + a + `],"events":[{"id":"x2","type":"activation","member":"A","sku":"NOPE","occurred_at":"2026-01-05T00:00:00Z"}],` + runs,
		"off the plan's cadence":                                        `"members":[` + root + `],"events":[],"runs":[{"end":"2026-01-12T00:00:00Z"},{"end":"2026-01-20T00:00:00Z"}]`,
	}
	for want, body := range cases {
		_, err := sim(t, body)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("want an error containing %q, got %v", want, err)
		}
	}
}

// PLAN.md §7: imported members are history (no pack sale, no direct bonus), an opening state
// stands as the previous committed state (no rank bonus for an opening rank), and sales before
// the cutover count for activity only.
func TestMigrationOpeningStateAndCutover(t *testing.T) {
	out, err := sim(t, `"cutover":"2026-01-05T00:00:00Z",
	 "members":[{"id":"root","plan":"consultant_plus","registered_at":"2025-01-01T00:00:00Z","imported":true},
	  {"id":"A","plan":"consultant","sponsor":"root","parent":"root","leg":"left","registered_at":"2025-02-01T00:00:00Z","imported":true,
	   "opening":{"rank":"silver","carry_left":"100","carry_right":"0","lifetime_left":"3000","lifetime_right":"2500"}},
	  {"id":"B","plan":"consultant","sponsor":"A","parent":"A","leg":"left","registered_at":"2025-02-02T00:00:00Z","imported":true},
	  {"id":"C","plan":"consultant","sponsor":"A","parent":"A","leg":"right","registered_at":"2026-01-06T00:00:00Z"},
	  {"id":"cu","plan":"customer","sponsor":"B","registered_at":"2025-03-01T00:00:00Z","imported":true}],
	 "events":[{"id":"old","type":"activation","member":"cu","sku":"SOLAR","occurred_at":"2026-01-04T00:00:00Z"},
	  {"id":"a-pv","type":"activation","member":"A","sku":"SOLAR","occurred_at":"2026-01-06T00:00:00Z"}],
	 "runs":[{"end":"2026-01-12T00:00:00Z"}]`)
	if err != nil {
		t.Fatal(err)
	}
	r := out.Runs[0]
	for _, l := range r.Lines {
		if l.Source == "old" || l.Source == "pack:A" || l.Source == "pack:B" || l.Source == "pack:root" || l.Type == "rank" && l.Source == "silver" {
			t.Errorf("paid for history: %+v", l)
		}
	}
	st := r.State["A"]
	// A: opening carry left 100 + C's pack on the right 50: pair 50 at 10% = 5.00; rank stays silver.
	if st.Rank != "silver" || st.CarryLeft != "50.00" || st.LifetimeLeft != "3000.00" || st.LifetimeRight != "2550.00" || !st.Active {
		t.Errorf("A state %+v", st)
	}
	if !r.State["B"].Active {
		t.Error("B: the pre-cutover sale counts toward activity (S = B for its customer's activation)")
	}
	found := false
	for _, l := range r.Lines {
		if l.Member == "A" && l.Type == "binary" && l.Amount == "5.00" {
			found = true
		}
		if l.Member == "A" && l.Type == "direct" && l.Source != "pack:C" {
			t.Errorf("direct for an imported member: %+v", l)
		}
	}
	if !found {
		t.Errorf("binary from opening carry missing: %+v", r.Lines)
	}
	if r.Totals == nil || r.Totals.SalesBV != "450" {
		t.Errorf("totals %+v (C's pack and A's activation)", r.Totals)
	}
}

// A late event (occurred in run 0's period, arrived for run 1) is paid by run 1, never lost; a
// cancellation of an activation no committed run accounted voids it.
func TestLateEventsAndVoids(t *testing.T) {
	out, err := sim(t, `"members":[{"id":"root","plan":"consultant_plus","registered_at":"2026-01-01T00:00:00Z"},
	  {"id":"A","plan":"consultant","sponsor":"root","parent":"root","leg":"left","registered_at":"2026-01-02T00:00:00Z"},
	  {"id":"cu","plan":"customer","sponsor":"A","registered_at":"2026-01-02T00:00:00Z"}],
	 "events":[{"id":"late","type":"activation","member":"cu","sku":"SOLAR","occurred_at":"2026-01-05T00:00:00Z","arrives":1},
	  {"id":"gone","type":"activation","member":"cu","sku":"SOLAR","occurred_at":"2026-01-13T00:00:00Z","arrives":1},
	  {"id":"cx","type":"cancellation","activation":"gone","occurred_at":"2026-01-14T00:00:00Z","arrives":1}],
	 "runs":[{"end":"2026-01-12T00:00:00Z"},{"end":"2026-01-19T00:00:00Z"}]`)
	if err != nil {
		t.Fatal(err)
	}
	paid := map[string]bool{}
	for k, r := range out.Runs {
		for _, l := range r.Lines {
			if l.Source == "late" || l.Source == "gone" {
				paid[l.Source] = true
				if l.Source == "late" && k != 1 {
					t.Errorf("late event paid by run %d", k)
				}
			}
		}
	}
	if !paid["late"] || paid["gone"] {
		t.Errorf("paid %v: the late one in run 1, the voided one never", paid)
	}
	if out.Runs[1].State["root"].LifetimeLeft != "450.00" {
		t.Errorf("a void adds no volume: %+v", out.Runs[1].State["root"])
	}
}

// PLAN.md §10–§11 rules in the scenario format, each an error naming the event.
func TestBadLifecycleEvents(t *testing.T) {
	root := `{"id":"root","plan":"consultant_plus","registered_at":"2026-01-01T00:00:00Z"}`
	a := `{"id":"A","plan":"consultant","sponsor":"root","parent":"root","leg":"left","registered_at":"2026-01-02T00:00:00Z"}`
	c := `{"id":"c","plan":"customer","sponsor":"A","registered_at":"2026-01-03T00:00:00Z"}`
	runs := `"runs":[{"end":"2026-01-12T00:00:00Z"},{"end":"2026-01-19T00:00:00Z"}]`
	net := `"members":[` + root + `,` + a + `,` + c + `],`
	ev := func(evs ...string) string { return net + `"events":[` + strings.Join(evs, ",") + `],` + runs }
	up := `{"id":"u1","type":"upgrade","member":"A","plan":"consultant_plus","occurred_at":"2026-01-06T00:00:00Z"}`
	term := `{"id":"t1","type":"terminate","member":"A","occurred_at":"2026-01-05T00:00:00Z"}`
	cases := map[string]string{
		"event s1: the root can be neither":                          ev(`{"id":"s1","type":"suspend","member":"root","occurred_at":"2026-01-05T00:00:00Z"}`),
		"event s2: c is a customer":                                  ev(`{"id":"s2","type":"suspend","member":"c","occurred_at":"2026-01-05T00:00:00Z"}`),
		"event r1: A was terminated by t1; termination is final":     ev(term, `{"id":"r1","type":"reinstate","member":"A","occurred_at":"2026-01-08T00:00:00Z"}`),
		"event u1: upgrade of A at or after its termination t1":      ev(term, up),
		"event t1: termination of A is dated before its upgrade u1":  ev(up, term),
		"event f1: only the purchase that set A's current plan (u1)": ev(up, `{"id":"f1","type":"refund","sale":"pack:A","occurred_at":"2026-01-07T00:00:00Z"}`),
		"event f2: pack:root is not a priced purchase":               ev(`{"id":"f2","type":"refund","sale":"pack:root","occurred_at":"2026-01-07T00:00:00Z"}`),
		"event f3: refunds \"nope\"":                                 ev(`{"id":"f3","type":"refund","sale":"nope","occurred_at":"2026-01-07T00:00:00Z"}`),
		"event f4: dated before a purchase or refund":                ev(up, `{"id":"f4","type":"refund","sale":"u1","occurred_at":"2026-01-05T00:00:00Z"}`),
		"event f6: pack:A is already refunded by f5": ev(`{"id":"f5","type":"refund","sale":"pack:A","occurred_at":"2026-01-07T00:00:00Z"}`,
			`{"id":"f6","type":"refund","sale":"pack:A","occurred_at":"2026-01-08T00:00:00Z"}`),
		"member B: sponsor A is terminated (t1) at its registered_at": `"members":[` + root + `,` + a + `,{"id":"B","plan":"customer","sponsor":"A","registered_at":"2026-01-06T00:00:00Z"}],"events":[` + term + `],` + runs,
	}
	for want, body := range cases {
		_, err := sim(t, body)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("want an error containing %q, got %v", want, err)
		}
	}
}
