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
	qWalletAddEntry    = cypher.MustQuery("payouts/wallet_add_entry")
	qWalletAddDebit    = cypher.MustQuery("payouts/wallet_add_debit")
	qWalletBalance     = cypher.MustQuery("payouts/wallet_balance")
	qWalletEntries     = cypher.MustQuery("payouts/wallet_entries")
	qWithdrawalLock    = cypher.MustQuery("payouts/withdrawal_lock")
	qWithdrawalDecide  = cypher.MustQuery("payouts/withdrawal_decide")
	qWithdrawalGet     = cypher.MustQuery("payouts/withdrawal_get")
	qWithdrawalRequest = cypher.MustQuery("payouts/withdrawal_request")
	qWithdrawalsList   = cypher.MustQuery("payouts/withdrawals_list")
)

// Balance implements payouts.WalletStore.
func (s *Store) Balance(ctx context.Context, member string) (engine.Units, error) {
	res, err := s.read(ctx, qWalletBalance, map[string]any{"member": member})
	if err != nil {
		return 0, err
	}
	return engine.Units(get[int64](res.Records[0], "balance")), nil
}

// Entries implements payouts.WalletStore.
func (s *Store) Entries(ctx context.Context, member string, offset, limit int) ([]payouts.LedgerEntry, bool, error) {
	return readPage(ctx, s, qWalletEntries, map[string]any{"member": member, "offset": offset}, limit, func(r *neo4j.Record) payouts.LedgerEntry {
		return payouts.LedgerEntry{ID: get[string](r, "id"), MemberID: member, Kind: get[string](r, "kind"),
			Amount: graph.Money(engine.Units(get[int64](r, "amount"))), At: get[time.Time](r, "at").UTC(), RunID: get[string](r, "run_id"),
			WithdrawalID: get[string](r, "withdrawal_id"), Reason: get[string](r, "reason"), Actor: get[string](r, "actor")}
	})
}

// AddEntry implements payouts.WalletStore.
func (s *Store) AddEntry(ctx context.Context, e payouts.LedgerEntry, cents engine.Units) error {
	_, err := s.write(ctx, qWalletAddEntry, map[string]any{"id": e.ID, "member": e.MemberID, "kind": e.Kind, "amount": int64(cents),
		"at": ts(e.At), "reason": e.Reason, "actor": e.Actor})
	return err
}

// AddDebit implements payouts.WalletStore.
func (s *Store) AddDebit(ctx context.Context, e payouts.LedgerEntry, cents engine.Units) error {
	rec, err := writeOne(ctx, s, qWalletAddDebit, map[string]any{"id": e.ID, "member": e.MemberID, "kind": e.Kind, "amount": int64(cents),
		"at": ts(e.At), "reason": e.Reason, "actor": e.Actor}, graph.NotFound("member %s not found", e.MemberID))
	if err != nil {
		return err
	}
	if !get[bool](rec, "ok") {
		return graph.InvalidField("amount", "is above the balance of %s", engine.Units(get[int64](rec, "balance")))
	}
	return nil
}

// RequestWithdrawal implements payouts.WalletStore.
func (s *Store) RequestWithdrawal(ctx context.Context, w payouts.Withdrawal, cents, withheld engine.Units) error {
	res, err := s.write(ctx, qWithdrawalRequest, map[string]any{"member": w.MemberID, "id": w.ID, "amount": int64(cents), "withheld": int64(withheld), "at": ts(w.RequestedAt),
		"actor": graph.ActorOf(ctx)})
	if err != nil {
		return err
	}
	if len(res.Records) == 0 {
		return graph.NotFound("member %s not found", w.MemberID)
	}
	r := res.Records[0]
	if !get[bool](r, "ok") {
		if get[int64](r, "open") > 0 {
			return graph.Conflict("member %s already has an open withdrawal request", w.MemberID)
		}
		return graph.InvalidField("amount", "is above the balance of %s", engine.Units(get[int64](r, "balance")))
	}
	return nil
}

// DecideWithdrawal implements payouts.WalletStore: lock and read, decide, apply — one transaction.
func (s *Store) DecideWithdrawal(ctx context.Context, id string, decide func(payouts.Withdrawal) (*payouts.WithdrawalChange, error)) (*payouts.Withdrawal, *payouts.Withdrawal, error) {
	sess := s.session(ctx, true)
	defer sess.Close(ctx)
	var before payouts.Withdrawal
	_, err := sess.ExecuteWrite(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
		rec, err := txOne(ctx, tx, qWithdrawalLock, map[string]any{"id": id})
		if err != nil {
			return nil, err
		}
		if rec == nil {
			return nil, graph.NotFound("withdrawal %s not found", id)
		}
		before = withdrawalOf(rec)
		c, err := decide(before)
		if err != nil {
			return nil, err
		}
		return txOne(ctx, tx, qWithdrawalDecide, map[string]any{"id": id, "to": c.To, "actor": c.Actor, "reason": c.Reason,
			"reference": c.Reference, "at": ts(c.At)})
	})
	if err != nil {
		return nil, nil, s.mapErr(err)
	}
	after, err := s.Withdrawal(ctx, id)
	return &before, after, err
}

func withdrawalOf(r *neo4j.Record) payouts.Withdrawal {
	m := r.AsMap()
	w := payouts.Withdrawal{ID: get[string](r, "id"), MemberID: get[string](r, "member_id"), Amount: graph.Money(engine.Units(get[int64](r, "amount"))),
		Status: get[string](r, "status"), RequestedAt: get[time.Time](r, "requested_at").UTC(), DecidedBy: get[string](r, "decided_by"),
		Reason: get[string](r, "reason"), PaymentReference: get[string](r, "reference"), MemberName: get[string](r, "name"), MemberEmail: get[string](r, "email")}
	w.BatchID, w.Trace = get[string](r, "batch_id"), get[string](r, "trace")
	if wh := engine.Units(get[int64](r, "withheld")); wh > 0 {
		w.Withheld, w.Net = graph.Money(wh), graph.Money(engine.Units(get[int64](r, "amount"))-wh)
	}
	w.DecidedAt = props(m).atPtr("decided_at")
	w.PaidAt = props(m).atPtr("paid_at")
	return w
}

// Withdrawal implements payouts.WalletStore.
func (s *Store) Withdrawal(ctx context.Context, id string) (*payouts.Withdrawal, error) {
	rec, err := readOne(ctx, s, qWithdrawalGet, map[string]any{"id": id}, graph.NotFound("withdrawal %s not found", id))
	if err != nil {
		return nil, err
	}
	w := withdrawalOf(rec)
	return &w, nil
}

// Withdrawals implements payouts.WalletStore.
func (s *Store) Withdrawals(ctx context.Context, status, member string, offset, limit int) ([]payouts.Withdrawal, bool, error) {
	return readPage(ctx, s, qWithdrawalsList, map[string]any{"status": status, "member": member, "offset": offset}, limit, withdrawalOf)
}
