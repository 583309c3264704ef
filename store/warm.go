package store

import (
	"context"
	"time"

	"github.com/halo-oss/halo/graph/dashboards"
)

// statement is a query with its parameters.
type statement struct {
	q      string
	params map[string]any
}

// WarmPlans has Neo4j plan the reads the API makes most often — every signed-in request's
// session check, the consultant's and the customer's dashboards — before halod reports ready.
// Neo4j plans a query the first time it sees its text (and again when its statistics have
// moved far), and callers that arrive meanwhile wait for that plan. The consultant dashboard's
// query takes 0.2 s of a core to plan on a warm Neo4j and 0.8–1.5 s on one just started.
// Measured in issue #19 beside full ingest on a freshly started Neo4j: the first dashboards
// waited 18 s for their plans, 30 a second piled up behind them until the driver's pool ran
// dry, and dashboards and vendors' batches alike were refused (503) for 20 s.
//
// A plan is kept per text and per parameter types, and Neo4j 5.26 types a string with its
// length's order of magnitude (measured: lengths 2–10 share a plan, 11–100 another). Member
// ids come in both (imported "c0000001", generated "m-" and 16 hex digits), so each read is
// planned with an id of each; the ids match no member and the reads find nothing. On a Neo4j
// that has served the API since it started, the plans are there and this costs a round trip.
func (s *Store) WarmPlans(ctx context.Context, now time.Time) error {
	var sts []statement
	jti := "000000000000000000000000" // a session's token id: 12 random bytes in hex
	for _, id := range []string{"warm-up", "warm-up-0000000000"} {
		sts = append(sts, consultantRead(dashboards.ConsultantQuery{ID: id, RecruitsSince: now.AddDate(0, 0, -30), Now: now, HeldLimit: 1, UpcomingLimit: 1}),
			customerRead(dashboards.CustomerQuery{ID: id, Now: now, UpcomingLimit: 1}), revokedRead(jti, id, now))
	}
	return s.readAll(ctx, sts)
}
