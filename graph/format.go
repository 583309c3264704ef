package graph

import "github.com/halo-oss/halo/engine"

// Views show money and business volume as decimal strings (API.md), never as floats. The rule
// for how each is written lives here, once, for every view the domain and its stores build.

// Money is an amount as API.md writes it: two decimal places ("1204.90", "-12.50").
func Money(u engine.Units) string { return u.String() }

// BV is business volume as API.md writes it: no trailing zeros ("400", "12.5").
func BV(u engine.Units) string { return u.Decimal().String() }
