package main

import (
	"fmt"
	"slices"
	"time"
)

// freshness measures how long an accepted sale takes to show in projected earnings: a vendor
// signs up one customer under consultant member, then each round activates a service for it
// and polls the consultant's dashboard until its projected earnings include the sale (their
// total moves and as_of passes the acceptance). Run it beside halod's background work, and
// beside `halobench ingest` for a loaded system.
func freshness(c *client, member string, rounds int, gap time.Duration) {
	run := time.Now().UnixNano() % 1_000_000
	vendor := fmt.Sprintf("fresh-%d", run)
	var out struct {
		SigningSecret string `json:"signing_secret"`
	}
	if _, err := c.json("POST", "/api/v1/vendors", map[string]string{"id": vendor, "name": vendor}, &out); err != nil {
		fatal(err)
	}
	if _, err := c.json("PUT", "/api/v1/vendors/"+vendor+"/products/FRESH", map[string]any{"name": "Freshness probe", "bv": "100", "cv": "100.00",
		"retail_commission": "10.00", "effective_from": "2020-01-01T00:00:00Z"}, nil); err != nil {
		fatal(err)
	}
	cust := fmt.Sprintf("fresh-cust-%d", run)
	sendSigned(c, vendor, out.SigningSecret, []map[string]any{{"id": "signup-" + cust, "type": "customer.signup", "occurred_at": time.Now().UTC().Format(time.RFC3339),
		"data": map[string]any{"customer_id": cust, "name": "Freshness probe", "email": cust + "@bench.example", "sponsor_id": member}}})
	type dash struct {
		Projected struct {
			AsOf  *time.Time `json:"as_of"`
			Total string     `json:"total"`
		} `json:"projected_earnings"`
	}
	read := func() dash {
		var d dash
		if _, err := c.json("GET", "/api/v1/members/"+member+"/dashboard", nil, &d); err != nil {
			fatal(err)
		}
		return d
	}
	var lags []time.Duration
	for r := 0; r < rounds; r++ {
		before := read()
		sent := time.Now()
		sendSigned(c, vendor, out.SigningSecret, []map[string]any{{"id": fmt.Sprintf("act-%d-%d", run, r), "type": "service.activated",
			"occurred_at": sent.UTC().Format(time.RFC3339), "data": map[string]any{"activation_id": fmt.Sprintf("fresh-%d-%d", run, r), "member_id": cust, "sku": "FRESH"}}})
		for {
			d := read()
			if d.Projected.AsOf != nil && d.Projected.AsOf.After(sent) && d.Projected.Total != before.Projected.Total {
				lags = append(lags, time.Since(sent))
				fmt.Printf("round %d: shown after %s (projected total %s → %s)\n", r+1, time.Since(sent).Round(time.Millisecond), before.Projected.Total, d.Projected.Total)
				break
			}
			if time.Since(sent) > 10*time.Minute {
				fatal(fmt.Errorf("round %d: not shown after 10 minutes (as_of %v, total %s)", r+1, d.Projected.AsOf, d.Projected.Total))
			}
			time.Sleep(50 * time.Millisecond)
		}
		time.Sleep(gap)
	}
	slices.Sort(lags)
	fmt.Printf("freshness over %d rounds: median %s, max %s\n", len(lags), lags[len(lags)/2].Round(time.Millisecond), lags[len(lags)-1].Round(time.Millisecond))
}
