package store

import (
	"github.com/halo-oss/halo/engine"
	"github.com/halo-oss/halo/graph"
)

// Amounts are stored in Neo4j as integers of hundredths (properties named *_cents), so Cypher
// can sum them exactly.
func cents(s string) (int64, error) {
	u, err := engine.ParseUnits(s)
	if err != nil {
		return 0, graph.Invalid("amount %q: %v", s, err)
	}
	return int64(u), nil
}
