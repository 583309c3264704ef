package engine

import (
	"strings"
	"testing"
)

// Decimal strings are money: parsing never panics, accepts at most two decimals, and what it
// accepts prints back to the same value.
func FuzzParseUnits(f *testing.F) {
	for _, seed := range []string{"0", "12.50", "-0.90", "1e3", "92233720368547758.07", "92233720368547758.08", " 7 ", "1.005", "", "-", "NaN"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, s string) {
		u, err := ParseUnits(s)
		if err != nil {
			if err.Error() == "" {
				t.Fatal("an error without a message")
			}
			return
		}
		back, err := ParseUnits(u.String())
		if err != nil || back != u {
			t.Fatalf("%q -> %d -> %q -> %d (%v)", s, u, u.String(), back, err)
		}
	})
}

// The plan configuration loader takes any file: it never panics; what it accepts validates, and
// what it refuses says so in words.
func FuzzParseConfig(f *testing.F) {
	f.Add("")
	f.Add("cadence_days: 7\n")
	f.Add(`{"carry_cap": "5000", "plans": {"consultant": {"binary_rate": "0.10"}}}`)
	f.Add("ranks:\n  - name: bronze\n    lesser_leg: -1\n")
	f.Add("match_rates: [0.1, 0.05]\n")
	f.Fuzz(func(t *testing.T, data string) {
		c, err := ParseConfig([]byte(data))
		if err != nil {
			if strings.TrimSpace(err.Error()) == "" {
				t.Fatal("an error without a message")
			}
			return
		}
		if err := c.Validate(); err != nil {
			t.Fatalf("accepted a configuration that does not validate: %v", err)
		}
	})
}
