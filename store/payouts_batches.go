package store

import (
	"context"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/halo-oss/halo/cypher"
	"github.com/halo-oss/halo/engine"
	"github.com/halo-oss/halo/graph"
	"github.com/halo-oss/halo/graph/payouts"
)

var (
	qBatchUnbatched = cypher.MustQuery("payouts/batch_unbatched")
	qBatchLock      = cypher.MustQuery("payouts/batch_lock")
	qBatchLockWD    = cypher.MustQuery("payouts/batch_lock_withdrawals")
	qBatchCreate    = cypher.MustQuery("payouts/batch_create")
	qBatchGet       = cypher.MustQuery("payouts/batch_get")
	qBatchEntries   = cypher.MustQuery("payouts/batch_entries")
	qBatchesList    = cypher.MustQuery("payouts/batches_list")
	qBatchSentLock  = cypher.MustQuery("payouts/batch_sent_lock")
	qBatchSent      = cypher.MustQuery("payouts/batch_sent")
)

// Unbatched implements payouts.BatchStore.
func (s *Store) Unbatched(ctx context.Context) ([]payouts.Withdrawal, error) {
	var out []payouts.Withdrawal
	err := s.stream(ctx, qBatchUnbatched, nil, func(r *neo4j.Record) {
		amt, wh := engine.Units(get[int64](r, "amount")), engine.Units(get[int64](r, "withheld"))
		w := payouts.Withdrawal{ID: get[string](r, "id"), MemberID: get[string](r, "member_id"), Amount: graph.Money(amt), Status: get[string](r, "status"),
			RequestedAt: get[time.Time](r, "requested_at").UTC()}
		if wh > 0 {
			w.Withheld, w.Net = graph.Money(wh), graph.Money(amt-wh)
		}
		out = append(out, w)
	})
	return out, err
}

// CreateBatch implements payouts.BatchStore.
func (s *Store) CreateBatch(ctx context.Context, b payouts.Batch, entries []payouts.BatchEntry, sealed []string) (int64, error) {
	ids := make([]string, len(entries))
	rows := make([]map[string]any, len(entries))
	for i, e := range entries {
		amt, _ := graph.ParseAmount(e.Amount)
		ids[i] = e.WithdrawalID
		rows[i] = map[string]any{"id": e.WithdrawalID, "trace": e.Trace, "holder": e.Name, "routing": e.Routing, "sealed": sealed[i],
			"last4": e.Account[len(e.Account)-4:], "type": e.AccountType, "amount": int64(amt)}
	}
	total, _ := graph.ParseAmount(b.Total)
	sess := s.session(ctx, true)
	defer sess.Close(ctx)
	n, err := sess.ExecuteWrite(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
		if _, err := txOne(ctx, tx, qBatchLock, nil); err != nil {
			return nil, err
		}
		if _, err := txOne(ctx, tx, qBatchLockWD, map[string]any{"ids": ids}); err != nil {
			return nil, err
		}
		rec, err := txOne(ctx, tx, qBatchCreate, map[string]any{"entries": rows, "b": map[string]any{"id": b.ID, "at": ts(b.CreatedAt), "by": b.CreatedBy,
			"effective": ts(b.Effective), "count": b.Count, "total": int64(total)}})
		if err != nil {
			return nil, err
		}
		if got := get[int64](rec, "n"); got != int64(len(entries)) {
			return nil, graph.Conflict("%d of the batch's %d withdrawals were decided meanwhile; try again", int64(len(entries))-got, len(entries))
		}
		return get[int64](rec, "number"), nil
	})
	if err != nil {
		return 0, s.mapErr(err)
	}
	return n.(int64), nil
}

func batchOf(m props) payouts.Batch {
	return payouts.Batch{ID: m.str("id"), Number: m.num("number"), Status: m.str("status"), CreatedAt: m.at("created_at"), CreatedBy: m.str("created_by"),
		Effective: m.at("effective_date"), SentAt: m.atPtr("sent_at"), Count: m.num("count"), Total: graph.Money(engine.Units(m.num("total_cents")))}
}

// Batch implements payouts.BatchStore.
func (s *Store) Batch(ctx context.Context, id string, entries bool) (*payouts.Batch, error) {
	rec, err := readOne(ctx, s, qBatchGet, map[string]any{"id": id}, graph.NotFound("payout batch %s not found", id))
	if err != nil {
		return nil, err
	}
	b := batchOf(props(get[map[string]any](rec, "b")))
	if entries {
		err = s.stream(ctx, qBatchEntries, map[string]any{"id": id}, func(r *neo4j.Record) {
			b.Entries = append(b.Entries, payouts.BatchEntry{WithdrawalID: get[string](r, "id"), MemberID: get[string](r, "member_id"), Name: get[string](r, "holder"),
				Routing: get[string](r, "routing"), Account: "****" + get[string](r, "last4"), AccountType: get[string](r, "type"),
				Amount: graph.Money(engine.Units(get[int64](r, "amount"))), Trace: get[string](r, "trace"), Status: get[string](r, "status"), Reason: get[string](r, "reason")})
		})
	}
	return &b, err
}

// EntrySealed implements payouts.BatchStore.
func (s *Store) EntrySealed(ctx context.Context, id string) (map[string]string, error) {
	out := map[string]string{}
	err := s.stream(ctx, qBatchEntries, map[string]any{"id": id}, func(r *neo4j.Record) {
		out[get[string](r, "id")] = get[string](r, "sealed")
	})
	return out, err
}

// Batches implements payouts.BatchStore.
func (s *Store) Batches(ctx context.Context, offset, limit int) ([]payouts.Batch, bool, error) {
	return readPage(ctx, s, qBatchesList, map[string]any{"offset": offset}, limit, func(r *neo4j.Record) payouts.Batch {
		return batchOf(props(get[map[string]any](r, "b")))
	})
}

// MarkBatchSent implements payouts.BatchStore.
func (s *Store) MarkBatchSent(ctx context.Context, id, actor string, at time.Time) error {
	sess := s.session(ctx, true)
	defer sess.Close(ctx)
	_, err := sess.ExecuteWrite(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
		if _, err := txOne(ctx, tx, qBatchSentLock, map[string]any{"id": id}); err != nil {
			return nil, err
		}
		rec, err := txOne(ctx, tx, qBatchSent, map[string]any{"id": id, "actor": actor, "at": ts(at)})
		if err != nil {
			return nil, err
		}
		if rec == nil {
			return nil, graph.NotFound("payout batch %s not found", id)
		}
		if !get[bool](rec, "ok") {
			return nil, graph.Conflict("payout batch %s was already sent", id)
		}
		return nil, nil
	})
	return s.mapErr(err)
}
