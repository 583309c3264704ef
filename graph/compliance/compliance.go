package compliance

import (
	"context"
	"strings"
	"sync"
	"time"

	"github.com/halo-oss/halo/engine"
	"github.com/halo-oss/halo/graph"
	"github.com/halo-oss/halo/graph/payouts"
)

// unitsOf reads basis points as a percentage with two decimals (2400 → 24.00).
func unitsOf(bp int64) engine.Units { return engine.Units(bp) }

// TIN types and entity types of Form W-9.
const (
	TINSSN = "ssn"
	TINEIN = "ein"
)

var entityTypes = map[string]bool{"individual": true, "sole_proprietor": true, "llc": true, "c_corporation": true, "s_corporation": true,
	"partnership": true, "trust_estate": true}

// corporations are generally exempt from Form 1099-NEC reporting.
var corporations = map[string]bool{"c_corporation": true, "s_corporation": true}

// KYC statuses.
const (
	KYCPending  = "pending"
	KYCVerified = "verified"
	KYCRejected = "rejected"
)

// Policies for paying a member whose tax profile is incomplete.
const (
	// PolicyRequireProfile refuses a withdrawal until the tax profile is complete and KYC verified.
	PolicyRequireProfile = "require_profile"
	// PolicyBackupWithholding pays an incomplete profile with 24 % backup withholding (26 U.S.C.
	// §3406); KYC must still be verified.
	PolicyBackupWithholding = "backup_withholding"
)

// BackupWithholdingBP is the backup withholding rate in basis points (24 %).
const BackupWithholdingBP = 2400

// Address is a US mailing address.
type Address struct {
	Line1      string `json:"line1" example:"12 Main St"`
	Line2      string `json:"line2,omitempty"`
	City       string `json:"city" example:"Austin"`
	State      string `json:"state" example:"TX"`
	PostalCode string `json:"postal_code" example:"78701"`
}

// TaxProfileRequest is PUT /members/{id}/tax-profile: the W-9.
type TaxProfileRequest struct {
	LegalName    string  `json:"legal_name" example:"Ana Ruiz"`
	BusinessName string  `json:"business_name,omitempty"`
	EntityType   string  `json:"entity_type" example:"individual"` // individual | sole_proprietor | llc | c_corporation | s_corporation | partnership | trust_estate
	TINType      string  `json:"tin_type" example:"ssn"`           // ssn | ein
	TIN          string  `json:"tin" example:"123-45-6789"`
	Address      Address `json:"address"`
	// Certify is the W-9 certification, under penalties of perjury, that the TIN is correct and
	// the payee is not subject to backup withholding; its time is recorded.
	Certify bool `json:"certify"`
}

// TaxProfile is the W-9 as shown: the TIN masked.
type TaxProfile struct {
	LegalName    string     `json:"legal_name"`
	BusinessName string     `json:"business_name,omitempty"`
	EntityType   string     `json:"entity_type"`
	TINType      string     `json:"tin_type"`
	TIN          string     `json:"tin" example:"***-**-6789"`
	Address      Address    `json:"address"`
	CertifiedAt  *time.Time `json:"certified_at,omitempty"`
	UpdatedAt    time.Time  `json:"updated_at"`
}

// PayoutMethodRequest is PUT /members/{id}/payout-method: the bank account payouts go to.
type PayoutMethodRequest struct {
	AccountHolder string `json:"account_holder" example:"Ana Ruiz"`
	RoutingNumber string `json:"routing_number" example:"011000015"`
	AccountNumber string `json:"account_number" example:"000123456789"`
	AccountType   string `json:"account_type" example:"checking"` // checking | savings
}

// PayoutMethod is the bank account as shown: the account number masked.
type PayoutMethod struct {
	AccountHolder string    `json:"account_holder"`
	RoutingNumber string    `json:"routing_number"`
	AccountNumber string    `json:"account_number" example:"****6789"`
	AccountType   string    `json:"account_type"`
	UpdatedAt     time.Time `json:"updated_at"`
}

// KYC is the identity check's outcome.
type KYC struct {
	Status string     `json:"status"` // pending | verified | rejected
	Reason string     `json:"reason,omitempty"`
	At     *time.Time `json:"at,omitempty"`
	By     string     `json:"by,omitempty"` // the admin or the provider
}

// Hold is a compliance hold on a member's payouts.
type Hold struct {
	Active bool       `json:"active"`
	Reason string     `json:"reason,omitempty"`
	Since  *time.Time `json:"since,omitempty"`
	By     string     `json:"by,omitempty"`
}

// Status is everything compliance knows of a member, masked, and what it means for a withdrawal.
type Status struct {
	MemberID     string        `json:"member_id"`
	TaxProfile   *TaxProfile   `json:"tax_profile,omitempty"`
	PayoutMethod *PayoutMethod `json:"payout_method,omitempty"`
	KYC          KYC           `json:"kyc"`
	Hold         Hold          `json:"hold"`
	// CanWithdraw: a withdrawal may be requested now; Missing says what stops it.
	CanWithdraw bool     `json:"can_withdraw"`
	Missing     []string `json:"missing,omitempty"`
	// Withholding: withdrawals are paid with backup withholding at this rate (percent).
	Withholding string `json:"backup_withholding_rate,omitempty" example:"24.00"`
	Policy      string `json:"policy"`
}

// Record is the stored compliance data of a member, the TIN and the account number sealed.
type Record struct {
	MemberID                           string
	LegalName, BusinessName            string
	EntityType, TINType                string
	TINSealed, TINLast4                string
	Address                            Address
	CertifiedAt, ProfileAt             *time.Time
	AccountHolder, Routing             string
	AccountSealed, AccountLast4, AccTy string
	BankAt                             *time.Time
	KYC                                KYC
	Hold                               Hold
}

// Store keeps compliance records.
type Store interface {
	// ComplianceRecord returns the member's record (only MemberID set when there is none yet);
	// NotFound when the member does not exist.
	ComplianceRecord(ctx context.Context, memberID string) (*Record, error)
	// UpdateCompliance locks the member's record, hands it to change and writes what change
	// returns, in one transaction; an error from change writes nothing.
	UpdateCompliance(ctx context.Context, memberID string, change func(cur Record) (*Record, error)) error
	BankAccounts(ctx context.Context, memberIDs []string) (map[string]payouts.BankAccount, error)
}

// Accounts implements payouts.BankAccounts.
func (s *Service) Accounts(ctx context.Context, memberIDs []string) (map[string]payouts.BankAccount, error) {
	return s.Store.BankAccounts(ctx, memberIDs)
}

// OpenAccount implements payouts.BankAccounts: the account number in full, for the bank file.
func (s *Service) OpenAccount(sealed string) (string, error) { return s.Box.Open(sealed) }

// KYCProvider is how identity checks come in: the admin's manual decision is one, a KYC
// vendor's callback would be another.
type KYCProvider interface {
	Name() string
}

// Service keeps tax profiles, payout methods, KYC and holds, and clears withdrawals.
type Service struct {
	Store  Store
	Box    *graph.SecretBox
	Audit  *graph.Auditor
	Now    func() time.Time
	Policy string // PolicyRequireProfile (default) | PolicyBackupWithholding
	// Reports, Thresholds and Payer make Form 1099-NEC.
	Reports    ReportStore
	Thresholds Thresholds
	Payer      Payer
	// Disclosures, Ranks (the plan's, ascending) and RootID (the company, never a participant)
	// make the income disclosure statement.
	Disclosures DisclosureStore
	Ranks       []string
	RootID      string

	disclosures sync.Map // period → cachedDisclosure
}

func (s *Service) policy() string {
	if s.Policy == PolicyBackupWithholding {
		return PolicyBackupWithholding
	}
	return PolicyRequireProfile
}

func profileOf(r *Record) *TaxProfile {
	if r.ProfileAt == nil {
		return nil
	}
	return &TaxProfile{LegalName: r.LegalName, BusinessName: r.BusinessName, EntityType: r.EntityType, TINType: r.TINType, TIN: MaskTIN(r.TINType, r.TINLast4),
		Address: r.Address, CertifiedAt: r.CertifiedAt, UpdatedAt: *r.ProfileAt}
}

func methodOf(r *Record) *PayoutMethod {
	if r.BankAt == nil {
		return nil
	}
	return &PayoutMethod{AccountHolder: r.AccountHolder, RoutingNumber: r.Routing, AccountNumber: MaskAccount(r.AccountLast4), AccountType: r.AccTy, UpdatedAt: *r.BankAt}
}

// profileComplete: a W-9 with a TIN, certified.
func profileComplete(r *Record) bool {
	return r.ProfileAt != nil && r.TINLast4 != "" && r.CertifiedAt != nil
}

// clearance applies the withdrawal policy to a record.
func (s *Service) clearance(r *Record) (missing []string, withholdBP int64) {
	if r.KYC.Status != KYCVerified {
		missing = append(missing, "kyc: identity not verified yet (status "+orPending(r.KYC.Status)+")")
	}
	if r.BankAt == nil {
		missing = append(missing, "payout_method: no bank account for payouts")
	}
	if !profileComplete(r) {
		if s.policy() == PolicyBackupWithholding {
			withholdBP = BackupWithholdingBP
		} else {
			missing = append(missing, "tax_profile: a certified W-9 with a TIN is required before a withdrawal")
		}
	}
	return missing, withholdBP
}

func orPending(s string) string {
	if s == "" {
		return KYCPending
	}
	return s
}

// Status returns a member's compliance, masked.
func (s *Service) Status(ctx context.Context, memberID string) (*Status, error) {
	r, err := s.Store.ComplianceRecord(ctx, memberID)
	if err != nil {
		return nil, err
	}
	return s.statusOf(r), nil
}

func (s *Service) statusOf(r *Record) *Status {
	st := &Status{MemberID: r.MemberID, TaxProfile: profileOf(r), PayoutMethod: methodOf(r), KYC: r.KYC, Hold: r.Hold, Policy: s.policy()}
	st.KYC.Status = orPending(st.KYC.Status)
	var bp int64
	st.Missing, bp = s.clearance(r)
	st.CanWithdraw = len(st.Missing) == 0
	if bp > 0 {
		st.Withholding = graph.Money(unitsOf(bp))
	}
	return st
}

// Clearance implements payouts.WithdrawalGate.
func (s *Service) Clearance(ctx context.Context, memberID string) (payouts.Clearance, error) {
	r, err := s.Store.ComplianceRecord(ctx, memberID)
	if err != nil {
		return payouts.Clearance{}, err
	}
	missing, bp := s.clearance(r)
	c := payouts.Clearance{WithholdBP: bp, Held: r.Hold.Active, HoldReason: r.Hold.Reason}
	if len(missing) > 0 {
		field, msg, _ := strings.Cut(missing[0], ": ")
		c.BlockedField, c.Blocked = field, msg
	}
	return c, nil
}

func clean(s string, max int) (string, bool) {
	s = strings.Join(strings.Fields(s), " ")
	return s, len(s) <= max
}

// SetTaxProfile records a member's W-9. The TIN is sealed at once; only its last four digits
// are kept in clear, and no answer, log line or audit entry holds more.
func (s *Service) SetTaxProfile(ctx context.Context, memberID string, req TaxProfileRequest) (*Status, error) {
	var details []graph.Detail
	bad := func(f, m string) { details = append(details, graph.Detail{Field: f, Message: m}) }
	name, ok := clean(req.LegalName, 200)
	if !ok || name == "" {
		bad("legal_name", "is required: the name on the tax return (at most 200 characters)")
	}
	business, ok := clean(req.BusinessName, 200)
	if !ok {
		bad("business_name", "is at most 200 characters")
	}
	if !entityTypes[req.EntityType] {
		bad("entity_type", "must be individual, sole_proprietor, llc, c_corporation, s_corporation, partnership or trust_estate")
	}
	tin, tinOK := digits(req.TIN)
	switch {
	case req.TINType != TINSSN && req.TINType != TINEIN:
		bad("tin_type", "must be ssn or ein")
	case req.TINType == TINSSN && (req.EntityType == "c_corporation" || req.EntityType == "s_corporation" || req.EntityType == "partnership" || req.EntityType == "trust_estate"):
		bad("tin_type", "a corporation, partnership or trust reports under an EIN")
	case !tinOK || (req.TINType == TINSSN && !ValidSSN(tin)):
		bad("tin", "is not a valid SSN (nine digits, as 123-45-6789; no area 000, 666 or 9xx, no group 00, no serial 0000)")
	case req.TINType == TINEIN && !ValidEIN(tin):
		bad("tin", "is not a valid EIN (nine digits, as 12-3456789, under an IRS prefix)")
	}
	a := req.Address
	var okA bool
	if a.Line1, okA = clean(a.Line1, 200); !okA || a.Line1 == "" {
		bad("address.line1", "is required (at most 200 characters)")
	}
	if a.Line2, okA = clean(a.Line2, 200); !okA {
		bad("address.line2", "is at most 200 characters")
	}
	if a.City, okA = clean(a.City, 100); !okA || a.City == "" {
		bad("address.city", "is required")
	}
	a.State = strings.ToUpper(strings.TrimSpace(a.State))
	if !usStates[a.State] {
		bad("address.state", "must be a US state or territory code such as TX")
	}
	a.PostalCode = strings.TrimSpace(a.PostalCode)
	if !zip.MatchString(a.PostalCode) {
		bad("address.postal_code", "must be a ZIP code: 12345 or 12345-6789")
	}
	if !req.Certify {
		bad("certify", "must be true: the W-9 certification (the TIN is correct; not subject to backup withholding) is required")
	}
	if len(details) > 0 {
		return nil, graph.InvalidDetails(details)
	}
	sealed, err := s.Box.Seal(tin)
	if err != nil {
		return nil, err
	}
	now := s.Now().UTC()
	var before, after *TaxProfile
	var rec *Record
	err = s.Store.UpdateCompliance(ctx, memberID, func(cur Record) (*Record, error) {
		before = profileOf(&cur)
		cur.LegalName, cur.BusinessName, cur.EntityType, cur.TINType = name, business, req.EntityType, req.TINType
		cur.TINSealed, cur.TINLast4, cur.Address, cur.CertifiedAt, cur.ProfileAt = sealed, Last4(tin), a, &now, &now
		rec = &cur
		after = profileOf(&cur)
		return &cur, nil
	})
	if err != nil {
		return nil, err
	}
	s.Audit.Record(ctx, "compliance.tax_profile", "member", memberID, before, after) // masked on both sides
	return s.statusOf(rec), nil
}

// SetPayoutMethod records the bank account payouts go to; the account number is sealed.
func (s *Service) SetPayoutMethod(ctx context.Context, memberID string, req PayoutMethodRequest) (*Status, error) {
	var details []graph.Detail
	bad := func(f, m string) { details = append(details, graph.Detail{Field: f, Message: m}) }
	holder, ok := clean(req.AccountHolder, 22) // NACHA's receiving-name field
	if !ok || holder == "" {
		bad("account_holder", "is required (at most 22 characters, as the bank file carries it)")
	}
	routing, rok := digits(req.RoutingNumber)
	if !rok || !ValidABA(routing) {
		bad("routing_number", "is not a valid ABA routing number (nine digits whose check digit matches)")
	}
	account, aok := digits(req.AccountNumber)
	if !aok || len(account) < 4 || len(account) > 17 {
		bad("account_number", "must be 4 to 17 digits")
	}
	if req.AccountType != "checking" && req.AccountType != "savings" {
		bad("account_type", "must be checking or savings")
	}
	if len(details) > 0 {
		return nil, graph.InvalidDetails(details)
	}
	sealed, err := s.Box.Seal(account)
	if err != nil {
		return nil, err
	}
	now := s.Now().UTC()
	var before, after *PayoutMethod
	var rec *Record
	err = s.Store.UpdateCompliance(ctx, memberID, func(cur Record) (*Record, error) {
		before = methodOf(&cur)
		cur.AccountHolder, cur.Routing, cur.AccountSealed, cur.AccountLast4, cur.AccTy, cur.BankAt = holder, routing, sealed, Last4(account), req.AccountType, &now
		rec = &cur
		after = methodOf(&cur)
		return &cur, nil
	})
	if err != nil {
		return nil, err
	}
	s.Audit.Record(ctx, "compliance.payout_method", "member", memberID, before, after)
	return s.statusOf(rec), nil
}

// KYCRequest is POST /members/{id}/kyc.
type KYCRequest struct {
	Status string `json:"status" example:"verified"` // pending | verified | rejected
	Reason string `json:"reason,omitempty"`
}

// SetKYC records an identity check's outcome from a provider (an admin by hand is one).
func (s *Service) SetKYC(ctx context.Context, memberID string, p KYCProvider, req KYCRequest) (*Status, error) {
	if req.Status != KYCPending && req.Status != KYCVerified && req.Status != KYCRejected {
		return nil, graph.InvalidField("status", "must be pending, verified or rejected")
	}
	reason, ok := clean(req.Reason, 500)
	if !ok || (req.Status == KYCRejected && reason == "") {
		return nil, graph.InvalidField("reason", "is required to reject (at most 500 characters)")
	}
	now := s.Now().UTC()
	var before KYC
	var rec *Record
	err := s.Store.UpdateCompliance(ctx, memberID, func(cur Record) (*Record, error) {
		before = cur.KYC
		cur.KYC = KYC{Status: req.Status, Reason: reason, At: &now, By: p.Name()}
		rec = &cur
		return &cur, nil
	})
	if err != nil {
		return nil, err
	}
	s.Audit.Record(ctx, "compliance.kyc", "member", memberID, before, rec.KYC)
	return s.statusOf(rec), nil
}

// HoldRequest is POST /members/{id}/hold and /hold/release.
type HoldRequest struct {
	Reason string `json:"reason" example:"identity documents under review"`
}

// SetHold places (on) or lifts (off) a compliance hold: while it lasts commissions still credit
// the wallet, but no withdrawal is approved or paid. Decided under the record's lock.
func (s *Service) SetHold(ctx context.Context, memberID string, on bool, req HoldRequest) (*Status, error) {
	reason, ok := clean(req.Reason, 500)
	if !ok || reason == "" {
		return nil, graph.InvalidField("reason", "is required (at most 500 characters)")
	}
	now := s.Now().UTC()
	var before Hold
	var rec *Record
	err := s.Store.UpdateCompliance(ctx, memberID, func(cur Record) (*Record, error) {
		before = cur.Hold
		switch {
		case on && cur.Hold.Active:
			return nil, graph.Conflict("member %s is already on hold (%s)", memberID, cur.Hold.Reason)
		case !on && !cur.Hold.Active:
			return nil, graph.Conflict("member %s is not on hold", memberID)
		}
		if on {
			cur.Hold = Hold{Active: true, Reason: reason, Since: &now, By: graph.ActorOf(ctx)}
		} else {
			cur.Hold = Hold{Reason: "released: " + reason, Since: &now, By: graph.ActorOf(ctx)}
		}
		rec = &cur
		return &cur, nil
	})
	if err != nil {
		return nil, err
	}
	action := "compliance.hold"
	if !on {
		action = "compliance.release"
	}
	s.Audit.Record(ctx, action, "member", memberID, before, rec.Hold)
	return s.statusOf(rec), nil
}

// ManualKYC is the admin deciding by hand.
type ManualKYC struct{ Admin string }

// Name implements KYCProvider.
func (m ManualKYC) Name() string { return "admin:" + m.Admin }
