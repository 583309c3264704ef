package payouts

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/halo-oss/halo/engine"
	"github.com/halo-oss/halo/graph"
)

// Batch statuses: created (the file can be downloaded and sent to the bank), sent (its
// withdrawals are paid).
const (
	BatchCreated = "created"
	BatchSent    = "sent"
)

// WithdrawalReturned is a paid withdrawal the bank sent back (an ACH return); the money is in the
// wallet again.
const WithdrawalReturned = "returned"

// LedgerReturn puts a returned payout back in the wallet.
const LedgerReturn = "return"

// BankAccount is where a member is paid; Sealed is the account number as stored encrypted.
// Held and HoldReason come with it from the same compliance record, so a batch of a hundred
// thousand withdrawals reads them in one pass.
type BankAccount struct {
	Holder, Routing, Last4, Sealed string
	Savings                        bool
	Held                           bool
	HoldReason                     string
}

// BankAccounts is compliance's register of payout methods.
type BankAccounts interface {
	Accounts(ctx context.Context, memberIDs []string) (map[string]BankAccount, error)
	// OpenAccount decrypts a sealed account number (for the bank file only).
	OpenAccount(sealed string) (string, error)
}

// BatchEntry is one withdrawal in a batch, with the bank details frozen when it was batched.
type BatchEntry struct {
	WithdrawalID string `json:"withdrawal_id"`
	MemberID     string `json:"member_id"`
	Name         string `json:"account_holder"`
	Routing      string `json:"routing_number"`
	Account      string `json:"account_number" example:"****6789"`
	AccountType  string `json:"account_type"`
	Amount       string `json:"amount" example:"76.00"` // what the bank pays: the withdrawal net of any backup withholding
	Trace        string `json:"trace_number"`
	Status       string `json:"status"`
	Reason       string `json:"reason,omitempty"` // a return's code and meaning
}

// Skipped is an approved withdrawal left out of a batch, and why.
type Skipped struct {
	WithdrawalID string `json:"withdrawal_id"`
	MemberID     string `json:"member_id"`
	Reason       string `json:"reason"`
}

// Batch is a set of approved withdrawals paid by one ACH file.
type Batch struct {
	ID        string       `json:"id"`
	Number    int64        `json:"number"`
	Status    string       `json:"status"`
	CreatedAt time.Time    `json:"created_at"`
	CreatedBy string       `json:"created_by,omitempty"`
	Effective time.Time    `json:"effective_date"`
	SentAt    *time.Time   `json:"sent_at,omitempty"`
	Count     int64        `json:"count"`
	Total     string       `json:"total" example:"1250.00"`
	Entries   []BatchEntry `json:"entries,omitempty"`
	Skipped   []Skipped    `json:"skipped,omitempty"`
}

// BatchStore keeps payout batches.
type BatchStore interface {
	// Unbatched lists approved withdrawals in no batch, oldest decision first.
	Unbatched(ctx context.Context) ([]Withdrawal, error)
	// CreateBatch numbers the batch and puts the entries' withdrawals in it, in one transaction
	// under the batch lock; a withdrawal no longer approved or already batched is a Conflict and
	// nothing is written.
	CreateBatch(ctx context.Context, b Batch, entries []BatchEntry, sealed []string) (int64, error)
	Batch(ctx context.Context, id string, entries bool) (*Batch, error)
	Batches(ctx context.Context, offset, limit int) ([]Batch, bool, error)
	// MarkBatchSent moves a created batch to sent and its withdrawals to paid; a Conflict when it
	// was not created.
	MarkBatchSent(ctx context.Context, id, actor string, at time.Time) error
	// EntrySealed returns the frozen sealed account numbers of a batch's withdrawals.
	EntrySealed(ctx context.Context, id string) (map[string]string, error)
}

// BatchService collects approved withdrawals into ACH batches.
type BatchService struct {
	Store    BatchStore
	Gate     WithdrawalGate
	Banks    BankAccounts
	ACH      ACHConfig
	Audit    *graph.Auditor
	Now      func() time.Time
	LeadDays int // the effective date is this many banking days ahead (default 1)
}

// CreateBatchRequest is POST /payout-batches.
type CreateBatchRequest struct {
	// EffectiveDate is the settlement date asked of the bank (default: the next weekday).
	EffectiveDate *time.Time `json:"effective_date,omitempty"`
}

func nextWeekday(t time.Time) time.Time {
	d := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC).AddDate(0, 0, 1)
	for d.Weekday() == time.Saturday || d.Weekday() == time.Sunday {
		d = d.AddDate(0, 0, 1)
	}
	return d
}

// Create batches every approved withdrawal that can be paid now: not held, with a bank account.
// The bank details are frozen into the batch, so a later change of account cannot redirect a
// payment already on its way.
func (s *BatchService) Create(ctx context.Context, req CreateBatchRequest) (*Batch, error) {
	now := s.Now().UTC()
	eff := nextWeekday(now)
	if req.EffectiveDate != nil {
		eff = req.EffectiveDate.UTC().Truncate(24 * time.Hour)
		if eff.Before(now.Truncate(24*time.Hour)) || eff.After(now.AddDate(0, 0, 30)) {
			return nil, graph.InvalidField("effective_date", "must be from today to 30 days ahead")
		}
	}
	for attempt := 0; ; attempt++ {
		b, err := s.create(ctx, now, eff)
		if graph.KindOf(err) != graph.KindConflict || attempt == 2 {
			return b, err
		}
	}
}

func (s *BatchService) create(ctx context.Context, now, eff time.Time) (*Batch, error) {
	ws, err := s.Store.Unbatched(ctx)
	if err != nil {
		return nil, err
	}
	ids := make([]string, 0, len(ws))
	for _, w := range ws {
		ids = append(ids, w.MemberID)
	}
	accounts, err := s.Banks.Accounts(ctx, graph.Unique(ids))
	if err != nil {
		return nil, err
	}
	b := &Batch{ID: graph.NewID("batch"), Status: BatchCreated, CreatedAt: now, CreatedBy: graph.ActorOf(ctx), Effective: eff}
	var entries []BatchEntry
	var sealed []string
	var total engine.Units
	for _, w := range ws {
		acct, hasBank := accounts[w.MemberID]
		switch {
		case acct.Held:
			b.Skipped = append(b.Skipped, Skipped{WithdrawalID: w.ID, MemberID: w.MemberID, Reason: "compliance hold: " + acct.HoldReason})
			continue
		case !hasBank:
			b.Skipped = append(b.Skipped, Skipped{WithdrawalID: w.ID, MemberID: w.MemberID, Reason: "no bank account on file"})
			continue
		}
		amt, _ := graph.ParseAmount(w.Amount)
		if w.Withheld != "" {
			wh, _ := graph.ParseAmount(w.Withheld)
			amt -= wh
		}
		typ := "checking"
		if acct.Savings {
			typ = "savings"
		}
		// Trace numbers: the ODFI's eight digits and the entry's place in the file.
		e := BatchEntry{WithdrawalID: w.ID, MemberID: w.MemberID, Name: acct.Holder, Routing: acct.Routing, Account: "****" + acct.Last4, AccountType: typ,
			Amount: graph.Money(amt), Trace: fmt.Sprintf("%08s%07d", s.ACH.ODFI, len(entries)+1), Status: WithdrawalApproved}
		entries = append(entries, e)
		sealed = append(sealed, acct.Sealed)
		total += amt
	}
	if len(entries) == 0 {
		msg := "there is no approved withdrawal that can be paid now"
		if len(b.Skipped) > 0 {
			msg += fmt.Sprintf(" (%d skipped: %s)", len(b.Skipped), b.Skipped[0].Reason)
		}
		return nil, graph.Invalid("%s", msg)
	}
	if len(entries) > 9_999_999 {
		return nil, graph.Invalid("a batch holds at most 9,999,999 entries")
	}
	b.Count, b.Total, b.Entries = int64(len(entries)), graph.Money(total), entries
	if b.Number, err = s.Store.CreateBatch(ctx, *b, entries, sealed); err != nil {
		return nil, err
	}
	s.Audit.Record(ctx, "payout_batch.create", "payout_batch", b.ID, nil, map[string]any{"number": b.Number, "count": b.Count, "total": b.Total, "skipped": len(b.Skipped)})
	return b, nil
}

// Get returns a batch with its entries.
func (s *BatchService) Get(ctx context.Context, id string) (*Batch, error) {
	if !graph.ValidID(id) {
		return nil, graph.NotFound("payout batch %s not found", id)
	}
	return s.Store.Batch(ctx, id, true)
}

// List pages batches, newest first.
func (s *BatchService) List(ctx context.Context, cursor string, limit int) (*graph.Page[Batch], error) {
	return graph.Paginate(cursor, limit, func(off, lim int) ([]Batch, bool, error) { return s.Store.Batches(ctx, off, lim) })
}

// NACHA renders a batch's ACH file (full account numbers: admins only, every download audited).
func (s *BatchService) NACHA(ctx context.Context, id string) (string, *Batch, error) {
	b, err := s.Get(ctx, id)
	if err != nil {
		return "", nil, err
	}
	sealed, err := s.Store.EntrySealed(ctx, id)
	if err != nil {
		return "", nil, err
	}
	f := ACHFile{Created: b.CreatedAt, Effective: b.Effective, BatchNumber: b.Number, FileIDModifier: string(rune('A' + (b.Number-1)%26))}
	for _, e := range b.Entries {
		acct, err := s.Banks.OpenAccount(sealed[e.WithdrawalID])
		if err != nil {
			return "", nil, err
		}
		amt, _ := graph.ParseAmount(e.Amount)
		f.Entries = append(f.Entries, ACHEntry{Routing: e.Routing, Account: acct, Savings: e.AccountType == "savings", Amount: amt, IndividualID: e.MemberID,
			Name: e.Name, Trace: e.Trace})
	}
	text, err := WriteNACHA(s.ACH, f)
	if err != nil {
		return "", nil, graph.Internal(err)
	}
	s.Audit.Record(ctx, "payout_batch.download", "payout_batch", id, nil, map[string]any{"count": b.Count, "total": b.Total})
	return text, b, nil
}

// MarkSent records that the file went to the bank: every withdrawal in it is paid.
func (s *BatchService) MarkSent(ctx context.Context, id string) (*Batch, error) {
	if _, err := s.Get(ctx, id); err != nil {
		return nil, err
	}
	if err := s.Store.MarkBatchSent(ctx, id, graph.ActorOf(ctx), s.Now().UTC()); err != nil {
		return nil, err
	}
	b, err := s.Store.Batch(ctx, id, false)
	if err == nil {
		s.Audit.Record(ctx, "payout_batch.sent", "payout_batch", id, nil, b)
	}
	return b, err
}

// ReturnRequest is POST /withdrawals/{id}/return: the bank sent a payment back.
type ReturnRequest struct {
	ReturnCode string `json:"return_code" example:"R03"`
	Note       string `json:"note,omitempty"`
}

// Return records an ACH return on a paid withdrawal: the amount is back in the wallet (a ledger
// entry of its own) and the withdrawal shows the code and what it means.
func (s *WalletService) Return(ctx context.Context, id string, req ReturnRequest) (*Withdrawal, error) {
	code := strings.ToUpper(strings.TrimSpace(req.ReturnCode))
	meaning, ok := ReturnCodes[code]
	if !ok {
		return nil, graph.InvalidField("return_code", "must be an ACH return code such as R01, R02, R03 or R04")
	}
	note := strings.TrimSpace(req.Note)
	if len(note) > 500 {
		return nil, graph.InvalidField("note", "is at most 500 characters")
	}
	reason := code + " " + meaning
	if note != "" {
		reason += ": " + note
	}
	change := WithdrawalChange{To: WithdrawalReturned, Actor: graph.ActorOf(ctx), Reason: reason, At: s.Now().UTC()}
	before, after, err := s.Store.DecideWithdrawal(ctx, id, func(cur Withdrawal) (*WithdrawalChange, error) {
		if cur.Status != WithdrawalPaid {
			return nil, graph.Conflict("withdrawal %s is %s; only a paid withdrawal can come back from the bank", id, cur.Status)
		}
		return &change, nil
	})
	if err != nil {
		return nil, err
	}
	s.Audit.Record(ctx, "withdrawal.return", "withdrawal", id, before, after)
	return after, nil
}
