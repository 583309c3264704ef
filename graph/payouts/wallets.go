package payouts

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/halo-oss/halo/engine"
	"github.com/halo-oss/halo/graph"
	"github.com/halo-oss/halo/graph/genealogy"
)

// Ledger entry kinds. The ledger is append-only; a balance is always the sum of its entries.
const (
	LedgerOpening    = "opening"    // an imported member's balance from the earlier system (PLAN.md §7)
	LedgerCredit     = "credit"     // a committed run's total for the member (negative after clawbacks)
	LedgerWithdrawal = "withdrawal" // a withdrawal request takes the amount out at once
	LedgerReversal   = "reversal"   // a rejected withdrawal puts it back
	LedgerAdjustment = "adjustment" // an admin's correction, with a mandatory reason
	// LedgerWithholding is the part of a withdrawal kept back as backup withholding (24 %), for
	// the IRS: the withdrawal entry carries the net, this one the rest.
	LedgerWithholding = "backup_withholding"
	LedgerForfeit     = "forfeit" // a held balance forfeited by compliance, with a reason
	// withdrawal_approved and withdrawal_paid record those state changes at zero: no money moves.
)

// Withdrawal statuses.
const (
	WithdrawalRequested = "requested"
	WithdrawalApproved  = "approved"
	WithdrawalRejected  = "rejected"
	WithdrawalPaid      = "paid"
)

// LedgerEntry is one wallet movement.
type LedgerEntry struct {
	ID           string    `json:"id"`
	MemberID     string    `json:"member_id"`
	Kind         string    `json:"kind"`
	Amount       string    `json:"amount" example:"125.40"`
	At           time.Time `json:"at"`
	RunID        string    `json:"run_id,omitempty"`
	WithdrawalID string    `json:"withdrawal_id,omitempty"`
	Reason       string    `json:"reason,omitempty"`
	Actor        string    `json:"actor,omitempty"`
}

// Wallet is a member's balance and its latest entries.
type Wallet struct {
	MemberID   string        `json:"member_id"`
	Balance    string        `json:"balance" example:"310.25"`
	Entries    []LedgerEntry `json:"entries"`
	NextCursor string        `json:"next_cursor,omitempty"`
}

// Withdrawal is a member's request to be paid out.
type Withdrawal struct {
	ID               string     `json:"id"`
	MemberID         string     `json:"member_id"`
	Amount           string     `json:"amount"`
	Status           string     `json:"status"`
	RequestedAt      time.Time  `json:"requested_at"`
	DecidedAt        *time.Time `json:"decided_at,omitempty"`
	DecidedBy        string     `json:"decided_by,omitempty"`
	Reason           string     `json:"reason,omitempty"`
	PaymentReference string     `json:"payment_reference,omitempty"`
	PaidAt           *time.Time `json:"paid_at,omitempty"`
	MemberName       string     `json:"member_name,omitempty"`
	MemberEmail      string     `json:"member_email,omitempty"`
	// Withheld is the backup withholding kept from Amount; Net is what the member receives.
	Withheld string `json:"backup_withholding,omitempty" example:"24.00"`
	Net      string `json:"net,omitempty" example:"76.00"`
	Held     bool   `json:"on_hold,omitempty"` // the member's payouts are on a compliance hold: it waits
	BatchID  string `json:"batch_id,omitempty"`
	Trace    string `json:"trace_number,omitempty"`
}

// Clearance is compliance's answer on paying a member now.
type Clearance struct {
	// Blocked says why no withdrawal may be requested (BlockedField names what is missing).
	Blocked, BlockedField string
	// WithholdBP is the backup withholding rate in basis points (0 or 2400).
	WithholdBP int64
	// Held: a compliance hold; requests are taken but none is approved or paid.
	Held       bool
	HoldReason string
}

// WithdrawalGate is compliance deciding whether a member may be paid (tax profile, KYC, holds).
type WithdrawalGate interface {
	Clearance(ctx context.Context, memberID string) (Clearance, error)
}

// WithdrawalChange is a decided move of a withdrawal to another status.
type WithdrawalChange struct {
	To, Actor, Reason, Reference string
	At                           time.Time
}

// WalletStore keeps ledgers and withdrawals.
type WalletStore interface {
	Balance(ctx context.Context, memberID string) (engine.Units, error)
	Entries(ctx context.Context, memberID string, offset, limit int) ([]LedgerEntry, bool, error)
	AddEntry(ctx context.Context, e LedgerEntry, cents engine.Units) error
	// AddDebit records a debit of cents only if the balance covers it (serialized per member,
	// like a withdrawal request); otherwise an InvalidField on amount.
	AddDebit(ctx context.Context, e LedgerEntry, cents engine.Units) error
	// RequestWithdrawal checks the balance and the one-open-request rule and records the request
	// and its debit atomically (serialized per member).
	RequestWithdrawal(ctx context.Context, w Withdrawal, cents, withheld engine.Units) error
	// DecideWithdrawal locks the withdrawal, hands its current state to decide, and applies the
	// change decide returns in the same transaction (a rejection puts the amount back); an error
	// from decide writes nothing. It returns the withdrawal before and after.
	DecideWithdrawal(ctx context.Context, id string, decide func(cur Withdrawal) (*WithdrawalChange, error)) (*Withdrawal, *Withdrawal, error)
	Withdrawal(ctx context.Context, id string) (*Withdrawal, error)
	Withdrawals(ctx context.Context, status, memberID string, offset, limit int) ([]Withdrawal, bool, error)
}

// MemberLookup finds the member a wallet belongs to (genealogy).
type MemberLookup interface {
	Member(ctx context.Context, id string) (*genealogy.Member, error)
}

// WalletService manages wallets and withdrawals.
type WalletService struct {
	Store   WalletStore
	Members MemberLookup
	Audit   *graph.Auditor
	Now     func() time.Time
	// MinWithdrawal is the smallest amount a member may request (default 50.00).
	MinWithdrawal engine.Units
	// Gate clears withdrawals (nil: everyone is cleared, as before compliance existed).
	Gate WithdrawalGate
}

func (s *WalletService) clearance(ctx context.Context, memberID string) (Clearance, error) {
	if s.Gate == nil {
		return Clearance{}, nil
	}
	return s.Gate.Clearance(ctx, memberID)
}

// Withholding is the backup withholding on amt at bp basis points, rounded half up to the cent.
func Withholding(amt engine.Units, bp int64) engine.Units {
	return engine.Units((int64(amt)*bp*2 + 10000) / 20000)
}

// Wallet returns a member's balance and ledger, newest first.
func (s *WalletService) Wallet(ctx context.Context, memberID, cursor string, limit int) (*Wallet, error) {
	if _, err := s.Members.Member(ctx, memberID); err != nil {
		return nil, err
	}
	bal, err := s.Store.Balance(ctx, memberID)
	if err != nil {
		return nil, err
	}
	p, err := graph.Paginate(cursor, limit, func(off, lim int) ([]LedgerEntry, bool, error) { return s.Store.Entries(ctx, memberID, off, lim) })
	if err != nil {
		return nil, err
	}
	return &Wallet{MemberID: memberID, Balance: graph.Money(bal), Entries: p.Items, NextCursor: p.NextCursor}, nil
}

// AdjustmentRequest is an admin's correction.
type AdjustmentRequest struct {
	Amount string `json:"amount" example:"-12.50"`
	Reason string `json:"reason" example:"duplicate credit from the old system"`
}

// Adjust adds an admin adjustment (the reason is mandatory).
func (s *WalletService) Adjust(ctx context.Context, memberID string, req AdjustmentRequest) (*LedgerEntry, error) {
	amt, err := graph.ParseAmount(req.Amount)
	if err != nil || amt == 0 {
		return nil, graph.InvalidField("amount", "must be a non-zero decimal string with at most two decimals, at most %s either way", graph.MaxAmount)
	}
	reason := strings.TrimSpace(req.Reason)
	if reason == "" || len(reason) > 500 {
		return nil, graph.InvalidField("reason", "is required (at most 500 characters)")
	}
	if _, err := s.Members.Member(ctx, memberID); err != nil {
		return nil, err
	}
	e := LedgerEntry{ID: graph.NewID("adj"), MemberID: memberID, Kind: LedgerAdjustment, Amount: graph.Money(amt), At: s.Now().UTC(), Reason: reason, Actor: graph.ActorOf(ctx)}
	if err := s.Store.AddEntry(ctx, e, amt); err != nil {
		return nil, err
	}
	s.Audit.Record(ctx, "wallet.adjust", "member", memberID, nil, e)
	return &e, nil
}

// WithdrawalRequest is a member's request.
type WithdrawalRequest struct {
	Amount string `json:"amount" example:"100.00"`
}

// Request records a withdrawal request: at least the minimum, not above the balance, one open
// request at a time. The amount leaves the balance at once.
func (s *WalletService) Request(ctx context.Context, memberID string, req WithdrawalRequest) (*Withdrawal, error) {
	amt, err := graph.ParseAmount(req.Amount)
	if err != nil || amt <= 0 {
		return nil, graph.InvalidField("amount", "must be a positive decimal string with at most two decimals, at most %s", graph.MaxAmount)
	}
	min := s.MinWithdrawal
	if min == 0 {
		min = 5000
	}
	if amt < min {
		return nil, graph.InvalidField("amount", "must be at least %s", min)
	}
	if _, err := s.Members.Member(ctx, memberID); err != nil {
		return nil, err
	}
	c, err := s.clearance(ctx, memberID)
	if err != nil {
		return nil, err
	}
	if c.Blocked != "" {
		return nil, graph.InvalidField(c.BlockedField, "%s", c.Blocked)
	}
	withheld := Withholding(amt, c.WithholdBP)
	w := Withdrawal{ID: graph.NewID("wd"), MemberID: memberID, Amount: graph.Money(amt), Status: WithdrawalRequested, RequestedAt: s.Now().UTC(), Held: c.Held}
	if withheld > 0 {
		w.Withheld, w.Net = graph.Money(withheld), graph.Money(amt-withheld)
	}
	if err := s.Store.RequestWithdrawal(ctx, w, amt, withheld); err != nil {
		return nil, err
	}
	s.Audit.Record(ctx, "withdrawal.request", "withdrawal", w.ID, nil, w)
	return &w, nil
}

// DecisionRequest carries a rejection reason or a payment reference.
type DecisionRequest struct {
	Reason           string `json:"reason,omitempty"`
	PaymentReference string `json:"payment_reference,omitempty"`
}

// Decide approves, rejects (with a reason; the amount goes back) or marks paid (with the payment
// reference) a withdrawal.
func (s *WalletService) Decide(ctx context.Context, id, decision string, req DecisionRequest) (*Withdrawal, error) {
	var from []string
	var to string
	switch decision {
	case "approve":
		from, to = []string{WithdrawalRequested}, WithdrawalApproved
	case "reject":
		if r := strings.TrimSpace(req.Reason); r == "" || len(r) > 500 {
			return nil, graph.InvalidField("reason", "is required to reject a withdrawal (at most 500 characters)")
		}
		from, to = []string{WithdrawalRequested, WithdrawalApproved}, WithdrawalRejected
	case "mark-paid":
		if r := strings.TrimSpace(req.PaymentReference); r == "" || len(r) > 200 {
			return nil, graph.InvalidField("payment_reference", "is required to mark a withdrawal paid (at most 200 characters)")
		}
		from, to = []string{WithdrawalApproved}, WithdrawalPaid
	default:
		return nil, graph.NotFound("no such decision %q", decision)
	}
	if to != WithdrawalRejected {
		// A compliance hold stops money going out; the request waits (a rejection is still possible).
		w, err := s.Store.Withdrawal(ctx, id)
		if err != nil {
			return nil, err
		}
		c, err := s.clearance(ctx, w.MemberID)
		if err != nil {
			return nil, err
		}
		if c.Held {
			return nil, graph.Conflict("member %s's payouts are on a compliance hold (%s): the withdrawal waits until the hold is released", w.MemberID, c.HoldReason)
		}
	}
	change := WithdrawalChange{To: to, Actor: graph.ActorOf(ctx), Reason: strings.TrimSpace(req.Reason),
		Reference: strings.TrimSpace(req.PaymentReference), At: s.Now().UTC()}
	// Decided on the status read under the withdrawal's lock: of two racing decisions, the second
	// sees the first one's outcome.
	before, after, err := s.Store.DecideWithdrawal(ctx, id, func(cur Withdrawal) (*WithdrawalChange, error) {
		if !slices.Contains(from, cur.Status) {
			return nil, graph.Conflict("withdrawal %s is %s; it cannot become %s", id, cur.Status, to)
		}
		if cur.BatchID != "" && to != WithdrawalPaid {
			return nil, graph.Conflict("withdrawal %s is in payout batch %s, on its way to the bank: if the bank sends it back, record the return", id, cur.BatchID)
		}
		return &change, nil
	})
	if err != nil {
		return nil, err
	}
	s.Audit.Record(ctx, "withdrawal."+decision, "withdrawal", id, before, after)
	return after, nil
}

// List pages withdrawals by status and member.
func (s *WalletService) List(ctx context.Context, status, memberID, cursor string, limit int) (*graph.Page[Withdrawal], error) {
	switch status {
	case "", WithdrawalRequested, WithdrawalApproved, WithdrawalRejected, WithdrawalPaid, WithdrawalReturned:
	default:
		return nil, graph.InvalidField("status", "must be requested, approved, rejected, paid or returned")
	}
	return graph.Paginate(cursor, limit, func(off, lim int) ([]Withdrawal, bool, error) {
		return s.Store.Withdrawals(ctx, status, memberID, off, lim)
	})
}

// Approved returns every approved withdrawal (for the payment provider's CSV).
func (s *WalletService) Approved(ctx context.Context) ([]Withdrawal, error) {
	var out []Withdrawal
	for off := 0; ; {
		ws, more, err := s.Store.Withdrawals(ctx, WithdrawalApproved, "", off, 1000)
		if err != nil {
			return nil, err
		}
		out = append(out, ws...)
		if !more {
			return out, nil
		}
		off += len(ws)
	}
}

// ForfeitRequest is POST /members/{id}/hold/forfeit.
type ForfeitRequest struct {
	Amount string `json:"amount" example:"120.00"`
	Reason string `json:"reason" example:"commissions earned through a prohibited practice"`
}

// Forfeit takes a held member's balance (or part of it) away, as a ledger entry of its own with
// its reason. Only while a compliance hold is in force, and never more than the balance.
func (s *WalletService) Forfeit(ctx context.Context, memberID string, req ForfeitRequest) (*LedgerEntry, error) {
	amt, err := graph.ParseAmount(req.Amount)
	if err != nil || amt <= 0 {
		return nil, graph.InvalidField("amount", "must be a positive decimal string with at most two decimals")
	}
	reason := strings.TrimSpace(req.Reason)
	if reason == "" || len(reason) > 500 {
		return nil, graph.InvalidField("reason", "is required (at most 500 characters)")
	}
	c, err := s.clearance(ctx, memberID)
	if err != nil {
		return nil, err
	}
	if !c.Held {
		return nil, graph.Conflict("member %s is not on a compliance hold: only a held balance can be forfeited", memberID)
	}
	e := LedgerEntry{ID: graph.NewID("forfeit"), MemberID: memberID, Kind: LedgerForfeit, Amount: graph.Money(-amt), At: s.Now().UTC(), Reason: reason, Actor: graph.ActorOf(ctx)}
	if err := s.Store.AddDebit(ctx, e, amt); err != nil {
		return nil, err
	}
	s.Audit.Record(ctx, "compliance.forfeit", "member", memberID, nil, e)
	return &e, nil
}
