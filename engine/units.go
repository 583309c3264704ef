// Package engine computes a payout run of the Halo compensation plan (shared PLAN.md).
//
// It is pure: no I/O, no clock, no database or HTTP imports. Given a snapshot of what the
// service knows at draft time it returns every commission line and the new state of every
// consultant. Money and BV are exact integers of hundredths (Units); rates are exact integers
// of millionths (Rate). No float is ever used.
package engine

import (
	"fmt"
	"math/bits"
	"strconv"
	"strings"

	"github.com/shopspring/decimal"
)

// Units is an exact amount in hundredths: cents of USD, or hundredths of BV (PLAN.md §1: inputs
// carry at most two decimals, and 1 BV is worth 1 USD where a rule converts).
type Units int64

// Rate is an exact fraction in millionths (0.05 = 50000).
type Rate int64

const rateScale = 1_000_000

// ParseUnits parses a decimal string with at most two decimals ("12.5", "-3.25", "400").
func ParseUnits(s string) (Units, error) {
	d, err := decimal.NewFromString(strings.TrimSpace(s))
	if err != nil {
		return 0, fmt.Errorf("%q is not a decimal number", s)
	}
	return UnitsFromDecimal(d)
}

// UnitsFromDecimal converts an exact decimal with at most two decimals.
func UnitsFromDecimal(d decimal.Decimal) (Units, error) {
	c := d.Shift(2)
	if !c.Equal(c.Truncate(0)) {
		return 0, fmt.Errorf("%s has more than two decimals", d.String())
	}
	if !c.BigInt().IsInt64() {
		return 0, fmt.Errorf("%s is out of range", d.String())
	}
	return Units(c.IntPart()), nil
}

// Decimal returns the exact decimal value.
func (u Units) Decimal() decimal.Decimal { return decimal.New(int64(u), -2) }

// String formats with exactly two decimals: "12.50", "-0.90".
func (u Units) String() string {
	neg := u < 0
	v := uint64(u)
	if neg {
		v = uint64(-u)
	}
	s := strconv.FormatUint(v/100, 10) + "." + fmt.Sprintf("%02d", v%100)
	if neg {
		return "-" + s
	}
	return s
}

// ParseRate parses a fraction such as "0.05" with at most six decimals.
func ParseRate(s string) (Rate, error) {
	d, err := decimal.NewFromString(strings.TrimSpace(s))
	if err != nil {
		return 0, fmt.Errorf("%q is not a decimal number", s)
	}
	return RateFromDecimal(d)
}

// RateFromDecimal converts an exact fraction with at most six decimals.
func RateFromDecimal(d decimal.Decimal) (Rate, error) {
	c := d.Shift(6)
	if !c.Equal(c.Truncate(0)) {
		return 0, fmt.Errorf("%s has more than six decimals", d.String())
	}
	if !c.BigInt().IsInt64() {
		return 0, fmt.Errorf("%s is out of range", d.String())
	}
	return Rate(c.IntPart()), nil
}

// Decimal returns the exact fraction.
func (r Rate) Decimal() decimal.Decimal { return decimal.New(int64(r), -6) }

// String formats the fraction without trailing zeros ("0.05").
func (r Rate) String() string { return r.Decimal().String() }

// mulRateRound returns round-half-up(u × r) in hundredths: the per-line rounding of PLAN.md §1
// ("half-up, away from zero"). The product is formed in 128 bits, so it is exact for any input.
func mulRateRound(u Units, r Rate) Units {
	return Units(mulDiv(int64(u), int64(r), rateScale, true))
}

// mulDiv computes a×b/d for d > 0 exactly in 128 bits, rounding half away from zero when
// round is set and toward zero otherwise. It panics only on a result beyond int64, which no
// amount a plan can produce reaches.
func mulDiv(a, b, d int64, round bool) int64 {
	neg := (a < 0) != (b < 0)
	ua, ub := abs64(a), abs64(b)
	hi, lo := bits.Mul64(ua, ub)
	if round {
		var c uint64
		lo, c = bits.Add64(lo, uint64(d)/2, 0)
		hi += c
	}
	if hi >= uint64(d) {
		panic("engine: amount overflow")
	}
	q, _ := bits.Div64(hi, lo, uint64(d))
	if q > 1<<63-1 {
		panic("engine: amount overflow")
	}
	if neg {
		return -int64(q)
	}
	return int64(q)
}

func abs64(v int64) uint64 {
	if v < 0 {
		return uint64(-v)
	}
	return uint64(v)
}
