package graph

import (
	"fmt"
	"slices"

	"github.com/halo-oss/halo/engine"
)

// Views show money and business volume as decimal strings (API.md), never as floats. The rule
// for how each is written lives here, once, for every view the domain and its stores build.

// Money is an amount as API.md writes it: two decimal places ("1204.90", "-12.50").
func Money(u engine.Units) string { return u.String() }

// BV is business volume as API.md writes decimals: two places, like money ("400.00", "12.50").
func BV(u engine.Units) string { return u.String() }

// MaxAmount is the largest amount or volume Halo takes in one value (an adjustment, a withdrawal,
// a product's BV, CV or retail commission, an imported opening state): 1,000,000,000.00. No sum
// Halo keeps can overflow — it would take 92 million values at the maximum.
const MaxAmount engine.Units = 100_000_000_000

// ParseAmount reads a decimal string with at most two decimals and at most MaxAmount either way.
func ParseAmount(s string) (engine.Units, error) {
	u, err := engine.ParseUnits(s)
	if err != nil {
		return 0, err
	}
	if u > MaxAmount || u < -MaxAmount {
		return 0, fmt.Errorf("%s is beyond the maximum of %s", s, MaxAmount)
	}
	return u, nil
}

// Percent is part of whole in percent with two decimals, rounded half up, in integers: no float
// for a figure people compare ("33.33"; "0.00" of nothing).
func Percent(part, whole int64) string {
	if whole <= 0 {
		return "0.00"
	}
	return Money(engine.Units((part*10000*2 + whole) / (whole * 2)))
}

// NearestRank is the p-th percentile of xs by the nearest-rank method (the zero value for none);
// xs is sorted in place.
func NearestRank[T ~int64](xs []T, p int) T {
	if len(xs) == 0 {
		return 0
	}
	slices.Sort(xs)
	k := (len(xs)*p + 99) / 100
	return xs[max(k-1, 0)]
}
