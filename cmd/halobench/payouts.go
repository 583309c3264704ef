package main

import (
	"fmt"
	"strings"
	"time"
)

// payouts measures money out at scale: n consultants (m00000002…) are made payable through the
// API — a W-9, a bank account, verified KYC, 100.00 credited, a withdrawal of 60.00 requested and
// approved — then one payout batch collects them all, its ACH file is downloaded and the batch
// marked sent. The year's Form 1099-NEC and the income disclosure statement are timed after.
func payouts(c *client, n, from, conc int, year int, skipSeed bool) {
	if !skipSeed {
		var lat latencies
		wall := parallel(n, conc, func(i int) error {
			id := fmt.Sprintf("m%08d", from+i)
			t := time.Now()
			steps := []struct {
				method, path string
				body         map[string]any
			}{
				{"PUT", "/tax-profile", map[string]any{"legal_name": "Bench " + id, "entity_type": "individual", "tin_type": "ssn", "tin": fmt.Sprintf("123-45-%04d", 1000+i%9000), "certify": true,
					"address": map[string]any{"line1": "1 Bench St", "city": "Austin", "state": "TX", "postal_code": "78701"}}},
				{"PUT", "/payout-method", map[string]any{"account_holder": "Bench " + id, "routing_number": "011000015", "account_number": fmt.Sprintf("9%011d", i), "account_type": "checking"}},
				{"POST", "/kyc", map[string]any{"status": "verified"}},
				{"POST", "/wallet/adjustments", map[string]any{"amount": "100.00", "reason": "bench credit"}},
			}
			for _, s := range steps {
				if _, err := c.json(s.method, "/api/v1/members/"+id+s.path, s.body, nil); err != nil {
					return err
				}
			}
			var w struct{ ID string }
			if _, err := c.json("POST", "/api/v1/members/"+id+"/withdrawals", map[string]any{"amount": "60.00"}, &w); err != nil {
				return err
			}
			if _, err := c.json("POST", "/api/v1/withdrawals/"+w.ID+"/approve", nil, nil); err != nil {
				return err
			}
			lat.add(time.Since(t))
			return nil
		})
		lat.report("make payable (6 calls)", wall)
	}
	timed := func(name string, f func() (string, error)) {
		t := time.Now()
		what, err := f()
		if err != nil {
			fatal(fmt.Errorf("%s: %w", name, err))
		}
		fmt.Printf("%-28s %s  %s\n", name, time.Since(t).Round(time.Millisecond), what)
	}
	var batch struct {
		ID     string
		Number int64
		Count  int64
		Total  string
	}
	timed("create payout batch", func() (string, error) {
		_, err := c.json("POST", "/api/v1/payout-batches", map[string]any{}, &batch)
		return fmt.Sprintf("%d payments, %s", batch.Count, batch.Total), err
	})
	timed("download ACH file", func() (string, error) {
		code, b, err := c.do("GET", "/api/v1/payout-batches/"+batch.ID+"/nacha", "application/json", nil)
		if err == nil && code != 200 {
			err = fmt.Errorf("HTTP %d", code)
		}
		return fmt.Sprintf("%d bytes, %d records", len(b), strings.Count(string(b), "\n")), err
	})
	timed("mark the batch sent", func() (string, error) {
		_, err := c.json("POST", "/api/v1/payout-batches/"+batch.ID+"/sent", nil, nil)
		return "", err
	})
	get := func(path string) (string, error) {
		code, b, err := c.do("GET", path, "application/json", nil)
		if err == nil && code != 200 {
			err = fmt.Errorf("HTTP %d %s", code, b)
		}
		return fmt.Sprintf("%d bytes", len(b)), err
	}
	y := fmt.Sprint(year)
	timed("1099-NEC "+y, func() (string, error) { return get("/api/v1/tax-reports/1099-nec?year=" + y) })
	timed("1099-NEC filing CSV "+y, func() (string, error) { return get("/api/v1/tax-reports/1099-nec.csv?year=" + y) })
	timed("income disclosure "+y, func() (string, error) { return get("/api/v1/income-disclosure?year=" + y) })
	timed("income disclosure (from/to)", func() (string, error) {
		return get(fmt.Sprintf("/api/v1/income-disclosure?from=%s-01-01&to=%d-01-01", y, year+1))
	})
}
