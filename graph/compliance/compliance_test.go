package compliance

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/halo-oss/halo/engine"
	"github.com/halo-oss/halo/graph"
	"github.com/halo-oss/halo/graph/payouts"
)

func TestChecks(t *testing.T) {
	for n, ok := range map[string]bool{"011000015": true, "021000021": true, "121000358": true, "322271627": true, "011000016": false, "991000015": false, "01100001": false, "0110000a5": false} {
		if ValidABA(n) != ok {
			t.Errorf("ABA %s: want %v", n, ok)
		}
	}
	for n, ok := range map[string]bool{"123456789": true, "000456789": false, "666456789": false, "900456789": false, "123006789": false, "123450000": false, "12345678": false} {
		if ValidSSN(n) != ok {
			t.Errorf("SSN %s: want %v", n, ok)
		}
	}
	for n, ok := range map[string]bool{"123456789": true, "951234567": true, "071234567": false, "001234567": false, "891234567": false, "12345678": false} {
		if ValidEIN(n) != ok {
			t.Errorf("EIN %s: want %v", n, ok)
		}
	}
	if MaskTIN(TINSSN, "6789") != "***-**-6789" || MaskTIN(TINEIN, "6789") != "**-***6789" || MaskAccount("4321") != "****4321" {
		t.Error("masks")
	}
}

type memStore struct {
	mu sync.Mutex
	r  map[string]Record
}

func (m *memStore) ComplianceRecord(_ context.Context, id string) (*Record, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	r := m.r[id]
	r.MemberID = id
	return &r, nil
}

func (m *memStore) UpdateCompliance(_ context.Context, id string, change func(Record) (*Record, error)) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	cur := m.r[id]
	cur.MemberID = id
	next, err := change(cur)
	if err != nil {
		return err
	}
	m.r[id] = *next
	return nil
}

func (m *memStore) BankAccounts(_ context.Context, ids []string) (map[string]payouts.BankAccount, error) {
	out := map[string]payouts.BankAccount{}
	for _, id := range ids {
		if r, ok := m.r[id]; ok && r.BankAt != nil {
			out[id] = payouts.BankAccount{Holder: r.AccountHolder, Routing: r.Routing, Last4: r.AccountLast4, Sealed: r.AccountSealed, Savings: r.AccTy == "savings"}
		}
	}
	return out, nil
}

type auditLog struct {
	mu      sync.Mutex
	entries []string
}

func (a *auditLog) RecordAudit(_ context.Context, e graph.AuditEntry) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	b, _ := json.Marshal(e)
	a.entries = append(a.entries, string(b))
	return nil
}

func (a *auditLog) Audit(context.Context, graph.AuditFilter, int, int) ([]graph.AuditEntry, bool, error) {
	return nil, false, nil
}

func service(policy string) (*Service, *memStore, *auditLog) {
	st := &memStore{r: map[string]Record{}}
	log := &auditLog{}
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	return &Service{Store: st, Box: graph.NewSecretBox([]byte("test"), "tax"), Audit: &graph.Auditor{Log: log, Now: func() time.Time { return now }},
		Now: func() time.Time { return now }, Policy: policy}, st, log
}

var w9 = TaxProfileRequest{LegalName: "Ana Ruiz", EntityType: "individual", TINType: TINSSN, TIN: "123-45-6789", Certify: true,
	Address: Address{Line1: "12 Main St", City: "Austin", State: "tx", PostalCode: "78701"}}

func TestTaxProfileAndPolicy(t *testing.T) {
	ctx := context.Background()
	for name, c := range map[string]struct {
		edit  func(*TaxProfileRequest)
		field string
	}{
		"bad SSN":         {func(r *TaxProfileRequest) { r.TIN = "666-12-3456" }, "tin"},
		"letters":         {func(r *TaxProfileRequest) { r.TIN = "12a-45-6789" }, "tin"},
		"corp with SSN":   {func(r *TaxProfileRequest) { r.EntityType = "c_corporation" }, "tin_type"},
		"no certify":      {func(r *TaxProfileRequest) { r.Certify = false }, "certify"},
		"bad ZIP":         {func(r *TaxProfileRequest) { r.Address.PostalCode = "7870" }, "address.postal_code"},
		"bad state":       {func(r *TaxProfileRequest) { r.Address.State = "XX" }, "address.state"},
		"no name":         {func(r *TaxProfileRequest) { r.LegalName = " " }, "legal_name"},
		"unknown entity":  {func(r *TaxProfileRequest) { r.EntityType = "guild" }, "entity_type"},
		"EIN bad prefix":  {func(r *TaxProfileRequest) { r.TINType, r.TIN = TINEIN, "07-1234567" }, "tin"},
		"TIN type absent": {func(r *TaxProfileRequest) { r.TINType = "" }, "tin_type"},
	} {
		s, _, _ := service("")
		req := w9
		c.edit(&req)
		_, err := s.SetTaxProfile(ctx, "ana", req)
		if e := graph.AsError(err); err == nil || e.Kind != graph.KindInvalid || e.Details[0].Field != c.field {
			t.Errorf("%s: %v", name, err)
		}
	}
	s, st, log := service("")
	st0, _ := s.Status(ctx, "ana")
	if st0.CanWithdraw || len(st0.Missing) != 3 || st0.KYC.Status != KYCPending {
		t.Errorf("nothing recorded yet: %+v", st0)
	}
	got, err := s.SetTaxProfile(ctx, "ana", w9)
	if err != nil || got.TaxProfile.TIN != "***-**-6789" || got.TaxProfile.Address.State != "TX" {
		t.Fatalf("%v %+v", err, got)
	}
	if _, err := s.SetPayoutMethod(ctx, "ana", PayoutMethodRequest{AccountHolder: "Ana Ruiz", RoutingNumber: "011000016", AccountNumber: "123456789", AccountType: "checking"}); graph.AsError(err).Details[0].Field != "routing_number" {
		t.Errorf("a wrong check digit: %v", err)
	}
	got, err = s.SetPayoutMethod(ctx, "ana", PayoutMethodRequest{AccountHolder: "Ana Ruiz", RoutingNumber: "011000015", AccountNumber: "000123456789", AccountType: "checking"})
	if err != nil || got.PayoutMethod.AccountNumber != "****6789" || got.CanWithdraw {
		t.Fatalf("%v %+v", err, got)
	}
	got, err = s.SetKYC(ctx, "ana", ManualKYC{Admin: "ops"}, KYCRequest{Status: KYCVerified})
	if err != nil || !got.CanWithdraw || got.KYC.By != "admin:ops" {
		t.Fatalf("%v %+v", err, got)
	}
	// At rest: sealed; in the audit: masked.
	rec := st.r["ana"]
	if strings.Contains(rec.TINSealed, "123456789") || strings.Contains(rec.AccountSealed, "000123456789") {
		t.Error("TIN or account stored in clear")
	}
	if tin, _ := s.Box.Open(rec.TINSealed); tin != "123456789" {
		t.Errorf("the sealed TIN opens to %q", tin)
	}
	for _, e := range log.entries {
		if strings.Contains(e, "123456789") || strings.Contains(e, "6789\"") && !strings.Contains(e, "*") {
			t.Errorf("an audit entry holds a TIN or account number: %s", e)
		}
	}
	c, _ := s.Clearance(ctx, "ana")
	if c.Blocked != "" || c.WithholdBP != 0 {
		t.Errorf("cleared: %+v", c)
	}
	// Under backup withholding, an incomplete profile is paid with 24 % withheld; KYC still counts.
	bw, _, _ := service(PolicyBackupWithholding)
	if _, err := bw.SetKYC(ctx, "bob", ManualKYC{Admin: "ops"}, KYCRequest{Status: KYCVerified}); err != nil {
		t.Fatal(err)
	}
	_, _ = bw.SetPayoutMethod(ctx, "bob", PayoutMethodRequest{AccountHolder: "Bob", RoutingNumber: "011000015", AccountNumber: "12345678", AccountType: "savings"})
	if c, _ := bw.Clearance(ctx, "bob"); c.Blocked != "" || c.WithholdBP != BackupWithholdingBP {
		t.Errorf("backup withholding: %+v", c)
	}
	if c, _ := s.Clearance(ctx, "bob"); c.BlockedField != "kyc" {
		t.Errorf("require_profile without KYC: %+v", c)
	}
	// Holds: on, again (conflict), off.
	if _, err := s.SetHold(ctx, "ana", true, HoldRequest{Reason: "review"}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SetHold(ctx, "ana", true, HoldRequest{Reason: "again"}); graph.KindOf(err) != graph.KindConflict {
		t.Errorf("double hold: %v", err)
	}
	if c, _ := s.Clearance(ctx, "ana"); !c.Held || c.HoldReason != "review" {
		t.Errorf("held: %+v", c)
	}
	if _, err := s.SetHold(ctx, "ana", false, HoldRequest{Reason: "cleared"}); err != nil {
		t.Fatal(err)
	}
}

type totals []YearTotal

func (t totals) YearTotals(_ context.Context, from, to time.Time, min engine.Units) ([]YearTotal, error) {
	var out []YearTotal
	for _, x := range t {
		if x.Credited >= min || x.Withheld > 0 {
			out = append(out, x)
		}
	}
	return out, nil
}

func TestForm1099(t *testing.T) {
	th, err := ParseThresholds("2010:600.00, 2026:2000.00")
	if err != nil || th.For(2025) != 60000 || th.For(2026) != 200000 || th.For(2031) != 200000 || th.For(2005) != 60000 {
		t.Fatalf("thresholds: %v %v", th, err)
	}
	if _, err := ParseThresholds("2026=2000"); err == nil {
		t.Error("a malformed threshold is accepted")
	}
	s, st, _ := service("")
	ctx := context.Background()
	if _, err := s.SetTaxProfile(ctx, "ana", w9); err != nil {
		t.Fatal(err)
	}
	corp := w9
	corp.EntityType, corp.TINType, corp.TIN, corp.LegalName = "c_corporation", TINEIN, "12-3456789", "Sol Corp"
	if _, err := s.SetTaxProfile(ctx, "sol", corp); err != nil {
		t.Fatal(err)
	}
	rec := func(id string) Record { return st.r[id] }
	s.Reports = totals{
		{MemberID: "ana", Name: "Ana", Credited: 250000, Record: rec("ana")},
		{MemberID: "bob", Name: "Bob", Credited: 199999, Record: rec("bob")},                 // under the 2026 threshold
		{MemberID: "cy", Name: "Cy", Credited: 300000, Record: rec("cy")},                    // no W-9
		{MemberID: "dee", Name: "Dee", Credited: 50000, Withheld: 12000, Record: rec("dee")}, // withheld: reported at any amount
		{MemberID: "sol", Name: "Sol", Credited: 900000, Record: rec("sol")},                 // a corporation
	}
	s.Thresholds = th
	r, err := s.Form1099(ctx, 2026)
	if err != nil {
		t.Fatal(err)
	}
	ids := func(xs []Recipient) string {
		var out []string
		for _, x := range xs {
			out = append(out, x.MemberID+"="+x.Box1+"/"+x.Box4)
		}
		return strings.Join(out, ",")
	}
	if r.Threshold != "2000.00" || ids(r.Recipients) != "ana=2500.00/0.00" || ids(r.MissingTIN) != "cy=3000.00/0.00,dee=500.00/120.00" || ids(r.Exempt) != "sol=9000.00/0.00" || r.TotalBox1 != "2500.00" {
		t.Errorf("report: %s | %s | %s | %s", ids(r.Recipients), ids(r.MissingTIN), ids(r.Exempt), r.TotalBox1)
	}
	if r.Recipients[0].TIN != "***-**-6789" || r.Recipients[0].Name != "Ana Ruiz" {
		t.Errorf("masked recipient: %+v", r.Recipients[0])
	}
	s.Payer = Payer{Name: "Halo Inc", TIN: "98-7654321"}
	rows, err := s.FilingRows(ctx, r)
	if err != nil || len(rows) != 1 || rows[0][5] != "123-45-6789" || rows[0][14] != "2500.00" || len(rows[0]) != len(CSVHeader) {
		t.Errorf("filing rows: %v %v", rows, err)
	}
	r25, _ := s.Form1099(ctx, 2025)
	if r25.Threshold != "600.00" || ids(r25.Recipients) != "ana=2500.00/0.00" {
		t.Errorf("2025: %s %s", r25.Threshold, ids(r25.Recipients))
	}
	if _, err := s.Form1099(ctx, 2099); graph.KindOf(err) != graph.KindInvalid {
		t.Errorf("a future year: %v", err)
	}
}

type period struct {
	ps    []Participant
	cust  int64
	split SalesSplit
}

func (p period) Participants(context.Context, time.Time, time.Time, string) ([]Participant, error) {
	return p.ps, nil
}
func (p period) CustomersIn(context.Context, time.Time, time.Time) (int64, error) { return p.cust, nil }
func (p period) SalesBV(context.Context, time.Time, time.Time) (SalesSplit, error) {
	return p.split, nil
}

func TestIncomeDisclosure(t *testing.T) {
	s, _, _ := service("")
	jan := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	var ps []Participant
	// Ten consultants: four earned nothing; ranks none, bronze, silver; one terminated mid-year.
	for i, e := range []engine.Units{0, 0, 0, 0, 1000, 2500, 4000, 10000, 55000, 250001} {
		p := Participant{MemberID: fmt.Sprint("m", i), RegisteredAt: jan.AddDate(0, 0, -10*i), Earned: e}
		switch {
		case i >= 8:
			p.Ranks = []string{"bronze", "silver", "bronze"}
		case i >= 5:
			p.Ranks = []string{"bronze"}
		case i >= 4:
			p.Ranks = []string{"none"}
		}
		ps = append(ps, p)
	}
	end := jan.AddDate(0, 6, 0)
	ps[3].Ended = &end
	s.Disclosures, s.Ranks = period{ps: ps, cust: 42, split: SalesSplit{Customers: 71200, Consultants: 28800}}, []string{"none", "bronze", "silver", "gold"}
	d, err := s.Disclose(context.Background(), DisclosureRequest{Year: 2025})
	if err != nil {
		t.Fatal(err)
	}
	a := d.All
	if a.Participants != 10 || a.EarnedNothing != "40.00" || a.Min != "0.00" || a.Median != "10.00" || a.P90 != "550.00" || a.Max != "2500.01" || a.P10 != "0.00" || a.P75 != "100.00" {
		t.Errorf("all: %+v", a)
	}
	// Mean: 322,501 cents / 10 = 32,250.1 → 322.50.
	if a.Mean != "322.50" {
		t.Errorf("mean %s", a.Mean)
	}
	ranks := map[string]EarningsRow{}
	for _, r := range d.ByRank {
		ranks[r.Rank] = r
	}
	if ranks["silver"].Participants != 2 || ranks["silver"].Share != "20.00" || ranks["bronze"].Participants != 3 || ranks["none"].Participants != 5 ||
		ranks["gold"].Participants != 0 || ranks["none"].EarnedNothing != "80.00" || d.ByRank[0].Rank != "gold" {
		t.Errorf("by rank: %+v", d.ByRank)
	}
	if d.Customers != 42 || d.CustomerPct != "71.20" || d.CustomerBV != "712.00" {
		t.Errorf("customers and sales: %+v", d)
	}
	// Tenure to the period's end (or the termination): m3 left on 1 July after 30+181 days.
	if a.MedianTenureDays < 365 || ranks["none"].MedianTenureDays == 0 {
		t.Errorf("tenure: %d %d", a.MedianTenureDays, ranks["none"].MedianTenureDays)
	}
	if !strings.Contains(d.Basis, "before any expenses") || len(d.CSVRows()) != 5 || len(d.CSVRows()[0]) != len(DisclosureCSVHeader) {
		t.Error("basis or CSV")
	}
	if _, err := s.Disclose(context.Background(), DisclosureRequest{Year: 2099}); graph.KindOf(err) != graph.KindInvalid {
		t.Errorf("a future year: %v", err)
	}
}
