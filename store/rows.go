package store

import (
	"context"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/halo-oss/halo/engine"
	"github.com/halo-oss/halo/graph"
)

// props reads a map projection.
type props map[string]any

func (p props) str(k string) string { v, _ := p[k].(string); return v }

func (p props) num(k string) int64 { v, _ := p[k].(int64); return v }

func (p props) flag(k string) bool { v, _ := p[k].(bool); return v }

func (p props) list(k string) []string { return stringList(p[k]) }

func (p props) at(k string) time.Time {
	v, _ := p[k].(time.Time)
	return v.UTC()
}

func (p props) atPtr(k string) *time.Time {
	v, ok := p[k].(time.Time)
	if !ok {
		return nil
	}
	v = v.UTC()
	return &v
}

// orNil passes an empty filter to Cypher as null ("leave this filter out").
func orNil(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func optTS(t *time.Time) any {
	if t == nil {
		return nil
	}
	return ts(*t)
}

func stringList(v any) []string {
	xs, _ := v.([]any)
	out := make([]string, 0, len(xs))
	for _, x := range xs {
		if s, ok := x.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

const lookupChunk = 20000

func chunks[T any](xs []T, n int, f func([]T) error) error {
	for i := 0; i < len(xs); i += n {
		if err := f(xs[i:min(i+n, len(xs))]); err != nil {
			return err
		}
	}
	return nil
}

// readPage runs a listing query for one row more than limit and maps the rows: the page, and
// whether more follow.
func readPage[T any](ctx context.Context, s *Store, q string, params map[string]any, limit int, row func(*neo4j.Record) T) ([]T, bool, error) {
	params["limit"] = limit + 1
	res, err := s.read(ctx, q, params)
	if err != nil {
		return nil, false, err
	}
	out := make([]T, 0, len(res.Records))
	for _, r := range res.Records {
		out = append(out, row(r))
	}
	if len(out) > limit {
		return out[:limit], true, nil
	}
	return out, false, nil
}

func boolOf(res *neo4j.EagerResult, key string) bool {
	if len(res.Records) == 0 {
		return false
	}
	v, _ := res.Records[0].Get(key)
	b, _ := v.(bool)
	return b
}

// streamStep is how many rows a paced background read takes between rests.
const streamStep = 1024

func ts(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }

// stream runs a read query and hands every record to fn without holding the result in memory.
// reset, when given, runs before every attempt: the driver retries a read after a transient
// error, and what the failed attempt streamed is to be dropped.
//
// A stream is read as Neo4j produces it (one PULL of everything, not a round trip per 1,000
// records, during which Neo4j waits), and under a context without a deadline: the driver
// otherwise races every socket read of a deadline-bound context against a new goroutine and
// timer, three per record. Measured on the 1M network: 3.2 million sales read in 30–36 s
// instead of 38–44 s. Cancelling ctx (or its deadline passing) still stops the stream.
func (s *Store) stream(ctx context.Context, q string, params map[string]any, fn func(*neo4j.Record), reset ...func()) error {
	ctx, cancel := withoutDeadline(ctx)
	defer cancel()
	// Background reads give way to the API (graph.GiveWay): while people use it, the reader
	// pulls a block of rows at a time and rests in between, so Neo4j reads through its page
	// cache at a fraction of its pace. (Pulling everything at once would let Neo4j run ahead
	// of the rests into the socket's buffers.)
	fetch := neo4j.FetchAll
	if graph.NewPacer(ctx).Paced() {
		fetch = streamStep
	}
	sess := s.driver.NewSession(ctx, neo4j.SessionConfig{DatabaseName: s.db, AccessMode: neo4j.AccessModeRead, FetchSize: fetch})
	defer sess.Close(ctx)
	_, err := sess.ExecuteRead(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
		for _, r := range reset {
			r()
		}
		res, err := tx.Run(ctx, q, params)
		if err != nil {
			return nil, err
		}
		return nil, eachRow(ctx, res, fn)
	})
	return s.mapErr(err)
}

// eachRow hands every record of res to fn. A background read (graph.GiveWay) rests every
// streamStep rows while the API is in use.
func eachRow(ctx context.Context, res neo4j.ResultWithContext, fn func(*neo4j.Record)) error {
	pacer := graph.NewPacer(ctx)
	defer pacer.Done()
	for n := 1; res.Next(ctx); n++ {
		fn(res.Record())
		if n%streamStep == 0 {
			if err := pacer.Step(ctx); err != nil {
				return err
			}
		}
	}
	return res.Err()
}

// withoutDeadline is ctx's values and cancellation without its deadline: it is cancelled when
// ctx is done, for whatever reason, but reports no deadline of its own.
func withoutDeadline(ctx context.Context) (context.Context, context.CancelFunc) {
	if _, ok := ctx.Deadline(); !ok {
		return ctx, func() {}
	}
	out, cancel := context.WithCancelCause(context.WithoutCancel(ctx))
	stop := context.AfterFunc(ctx, func() { cancel(context.Cause(ctx)) })
	return out, func() {
		stop()
		cancel(context.Canceled)
	}
}

// Amounts are stored in Neo4j as integers of hundredths (properties named *_cents), so Cypher
// can sum them exactly.
func cents(s string) (int64, error) {
	u, err := engine.ParseUnits(s)
	if err != nil {
		return 0, graph.Invalid("amount %q: %v", s, err)
	}
	return int64(u), nil
}

func txOne(ctx context.Context, tx neo4j.ManagedTransaction, q string, params map[string]any) (*neo4j.Record, error) {
	res, err := tx.Run(ctx, q, params)
	if err != nil {
		return nil, err
	}
	recs, err := res.Collect(ctx)
	if err != nil {
		return nil, err
	}
	if len(recs) == 0 {
		return nil, nil
	}
	return recs[0], nil
}

// unixAt reads a time a query returned as epoch seconds and nanoseconds (a datetime's
// epochSeconds and nanosecond), in UTC. Reads of many rows return times so: the driver gives a
// datetime a time zone of its own, allocated for every row, and at 1M consultants those made a
// large part of what the projection's, the counters' and the vendors' reads allocated beside
// full ingest, every byte of which brings Go's next collection nearer (issue #19). A null time
// is the zero time, as get reads a null datetime.
func unixAt(r *neo4j.Record, sec, nsec string) time.Time {
	s, ok := get[any](r, sec).(int64)
	if !ok {
		return time.Time{}
	}
	return time.Unix(s, get[int64](r, nsec)).UTC()
}

func get[T any](r *neo4j.Record, key string) T {
	var zero T
	if r == nil {
		return zero
	}
	v, _ := r.Get(key)
	t, _ := v.(T)
	return t
}

type runner func(q string, params map[string]any) ([]*neo4j.Record, error)

func txRunner(ctx context.Context, tx neo4j.ManagedTransaction) runner {
	return func(q string, params map[string]any) ([]*neo4j.Record, error) {
		res, err := tx.Run(ctx, q, params)
		if err != nil {
			return nil, err
		}
		return res.Collect(ctx)
	}
}

// readAll runs sts one after the other in one read transaction, on one connection, that sees
// what this process wrote (the bookmark manager of ExecuteQuery's reads).
func (s *Store) readAll(ctx context.Context, sts []statement) error {
	sess := s.driver.NewSession(ctx, neo4j.SessionConfig{DatabaseName: s.db, AccessMode: neo4j.AccessModeRead,
		BookmarkManager: s.driver.ExecuteQueryBookmarkManager()})
	defer sess.Close(ctx)
	_, err := sess.ExecuteRead(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
		rows := txRunner(ctx, tx)
		for _, st := range sts {
			if _, err := rows(st.q, st.params); err != nil {
				return nil, err
			}
		}
		return nil, nil
	})
	return s.mapErr(err)
}

// readOne runs a read of at most one row. When there is none it answers notFound, or a nil
// record when notFound is nil (get reads zero values from a nil record).
func readOne(ctx context.Context, s *Store, q string, params map[string]any, notFound error) (*neo4j.Record, error) {
	res, err := s.read(ctx, q, params)
	return firstRow(res, err, notFound)
}

// writeOne is readOne for a write.
func writeOne(ctx context.Context, s *Store, q string, params map[string]any, notFound error) (*neo4j.Record, error) {
	res, err := s.write(ctx, q, params)
	return firstRow(res, err, notFound)
}

func firstRow(res *neo4j.EagerResult, err error, notFound error) (*neo4j.Record, error) {
	if err != nil {
		return nil, err
	}
	if len(res.Records) == 0 {
		return nil, notFound
	}
	return res.Records[0], nil
}
