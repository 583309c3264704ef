package store

import (
	"context"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/halo-oss/halo/cypher"
	"github.com/halo-oss/halo/engine"
	"github.com/halo-oss/halo/graph"
	"github.com/halo-oss/halo/graph/compliance"
	"github.com/halo-oss/halo/graph/payouts"
)

var (
	qComplianceGet  = cypher.MustQuery("compliance/record_get")
	qComplianceLock = cypher.MustQuery("compliance/record_lock")
	qComplianceSet  = cypher.MustQuery("compliance/record_set")
)

func complianceOf(id string, c map[string]any) *compliance.Record {
	p := props(c)
	r := &compliance.Record{MemberID: id, LegalName: p.str("legal_name"), BusinessName: p.str("business_name"), EntityType: p.str("entity_type"),
		TINType: p.str("tin_type"), TINSealed: p.str("tin_enc"), TINLast4: p.str("tin_last4"), CertifiedAt: p.atPtr("certified_at"), ProfileAt: p.atPtr("profile_at"),
		Address:       compliance.Address{Line1: p.str("line1"), Line2: p.str("line2"), City: p.str("city"), State: p.str("state"), PostalCode: p.str("postal_code")},
		AccountHolder: p.str("account_holder"), Routing: p.str("routing"), AccountSealed: p.str("account_enc"), AccountLast4: p.str("account_last4"),
		AccTy: p.str("account_type"), BankAt: p.atPtr("bank_at"),
		KYC:  compliance.KYC{Status: p.str("kyc_status"), Reason: p.str("kyc_reason"), At: p.atPtr("kyc_at"), By: p.str("kyc_by")},
		Hold: compliance.Hold{Active: p.flag("hold"), Reason: p.str("hold_reason"), Since: p.atPtr("hold_since"), By: p.str("hold_by")}}
	return r
}

func complianceRow(r *compliance.Record) map[string]any {
	at := func(t *time.Time) any { return optTS(t) }
	return map[string]any{"legal_name": orNil(r.LegalName), "business_name": orNil(r.BusinessName), "entity_type": orNil(r.EntityType),
		"tin_type": orNil(r.TINType), "tin_enc": orNil(r.TINSealed), "tin_last4": orNil(r.TINLast4), "certified_at": at(r.CertifiedAt), "profile_at": at(r.ProfileAt),
		"line1": orNil(r.Address.Line1), "line2": orNil(r.Address.Line2), "city": orNil(r.Address.City), "state": orNil(r.Address.State), "postal_code": orNil(r.Address.PostalCode),
		"account_holder": orNil(r.AccountHolder), "routing": orNil(r.Routing), "account_enc": orNil(r.AccountSealed), "account_last4": orNil(r.AccountLast4),
		"account_type": orNil(r.AccTy), "bank_at": at(r.BankAt),
		"kyc_status": orNil(r.KYC.Status), "kyc_reason": orNil(r.KYC.Reason), "kyc_at": at(r.KYC.At), "kyc_by": orNil(r.KYC.By),
		"hold": r.Hold.Active, "hold_reason": orNil(r.Hold.Reason), "hold_since": at(r.Hold.Since), "hold_by": orNil(r.Hold.By)}
}

// ComplianceRecord implements compliance.Store.
func (s *Store) ComplianceRecord(ctx context.Context, memberID string) (*compliance.Record, error) {
	rec, err := readOne(ctx, s, qComplianceGet, map[string]any{"id": memberID}, graph.NotFound("member %s not found", memberID))
	if err != nil {
		return nil, err
	}
	return complianceOf(memberID, get[map[string]any](rec, "c")), nil
}

// UpdateCompliance implements compliance.Store: lock, read, decide, write — one transaction.
func (s *Store) UpdateCompliance(ctx context.Context, memberID string, change func(compliance.Record) (*compliance.Record, error)) error {
	sess := s.session(ctx, true)
	defer sess.Close(ctx)
	_, err := sess.ExecuteWrite(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
		rec, err := txOne(ctx, tx, qComplianceLock, map[string]any{"id": memberID})
		if err != nil {
			return nil, err
		}
		if rec == nil {
			return nil, graph.NotFound("member %s not found", memberID)
		}
		if rec, err = txOne(ctx, tx, qComplianceGet, map[string]any{"id": memberID}); err != nil {
			return nil, err
		}
		next, err := change(*complianceOf(memberID, get[map[string]any](rec, "c")))
		if err != nil {
			return nil, err
		}
		return txOne(ctx, tx, qComplianceSet, map[string]any{"id": memberID, "r": complianceRow(next)})
	})
	return s.mapErr(err)
}

var qYearTotals = cypher.MustQuery("compliance/year_totals")

// YearTotals implements compliance.ReportStore.
func (s *Store) YearTotals(ctx context.Context, from, to time.Time, min engine.Units) ([]compliance.YearTotal, error) {
	var out []compliance.YearTotal
	err := s.stream(ctx, qYearTotals, map[string]any{"from": ts(from), "to": ts(to), "min": int64(min)}, func(r *neo4j.Record) {
		id := get[string](r, "id")
		out = append(out, compliance.YearTotal{MemberID: id, Name: get[string](r, "name"), Credited: engine.Units(get[int64](r, "credited")),
			Withheld: engine.Units(get[int64](r, "withheld")), Record: *complianceOf(id, get[map[string]any](r, "c"))})
	})
	return out, err
}

var qBankAccounts = cypher.MustQuery("compliance/bank_accounts")

// BankAccounts implements compliance.Store: the payout methods of members, sealed.
func (s *Store) BankAccounts(ctx context.Context, ids []string) (map[string]payouts.BankAccount, error) {
	out := make(map[string]payouts.BankAccount, len(ids))
	err := chunks(ids, 10000, func(part []string) error {
		return s.stream(ctx, qBankAccounts, map[string]any{"ids": part}, func(r *neo4j.Record) {
			out[get[string](r, "id")] = payouts.BankAccount{Holder: get[string](r, "holder"), Routing: get[string](r, "routing"), Last4: get[string](r, "last4"),
				Sealed: get[string](r, "sealed"), Savings: get[string](r, "type") == "savings", Held: get[bool](r, "held"), HoldReason: get[string](r, "hold_reason")}
		})
	})
	return out, err
}

var (
	qDisclosureParticipants = cypher.MustQuery("compliance/disclosure_participants")
	qDisclosureCustomers    = cypher.MustQuery("compliance/disclosure_customers")
	qDisclosureSales        = cypher.MustQuery("compliance/disclosure_sales")
)

// Participants implements compliance.DisclosureStore.
func (s *Store) Participants(ctx context.Context, from, to time.Time, exclude string) ([]compliance.Participant, error) {
	var out []compliance.Participant
	err := s.stream(ctx, qDisclosureParticipants, map[string]any{"from": ts(from), "to": ts(to), "exclude": exclude}, func(r *neo4j.Record) {
		p := compliance.Participant{MemberID: get[string](r, "id"), RegisteredAt: get[time.Time](r, "registered_at").UTC(), Earned: engine.Units(get[int64](r, "earned")),
			Ranks: stringList(get[[]any](r, "ranks"))}
		if v, ok := r.Get("ended"); ok && v != nil {
			t := v.(time.Time).UTC()
			p.Ended = &t
		}
		out = append(out, p)
	})
	return out, err
}

// CustomersIn implements compliance.DisclosureStore.
func (s *Store) CustomersIn(ctx context.Context, from, to time.Time) (int64, error) {
	rec, err := readOne(ctx, s, qDisclosureCustomers, map[string]any{"from": ts(from), "to": ts(to)}, nil)
	return get[int64](rec, "n"), err
}

// SalesBV implements compliance.DisclosureStore.
func (s *Store) SalesBV(ctx context.Context, from, to time.Time) (compliance.SalesSplit, error) {
	rec, err := readOne(ctx, s, qDisclosureSales, map[string]any{"from": ts(from), "to": ts(to)}, nil)
	return compliance.SalesSplit{Customers: engine.Units(get[int64](rec, "customers")), Consultants: engine.Units(get[int64](rec, "consultants"))}, err
}
