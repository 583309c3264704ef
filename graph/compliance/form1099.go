package compliance

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/halo-oss/halo/engine"
	"github.com/halo-oss/halo/graph"
)

// Thresholds are the Form 1099-NEC reporting thresholds by the first tax year they apply to:
// $600 for payments through 2025, $2,000 for payments made from 2026 on (HALO_1099_THRESHOLDS).
type Thresholds map[int]engine.Units

// DefaultThresholds is the statute as of 2026.
var DefaultThresholds = Thresholds{2010: 60000, 2026: 200000}

// ParseThresholds reads "2025:600.00,2026:2000.00" (a year and the threshold from that year on).
func ParseThresholds(s string) (Thresholds, error) {
	t := Thresholds{}
	for _, f := range strings.Split(s, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		y, amt, ok := strings.Cut(f, ":")
		year, err := strconv.Atoi(strings.TrimSpace(y))
		u, uerr := graph.ParseAmount(strings.TrimSpace(amt))
		if !ok || err != nil || uerr != nil || year < 1900 || u <= 0 {
			return nil, fmt.Errorf("HALO_1099_THRESHOLDS: %q is not YEAR:AMOUNT", f)
		}
		t[year] = u
	}
	if len(t) == 0 {
		return nil, fmt.Errorf("HALO_1099_THRESHOLDS names no threshold")
	}
	return t, nil
}

// For is the threshold of a tax year: the one of the latest year at or before it (or the
// earliest known, for years before every entry).
func (t Thresholds) For(year int) engine.Units {
	years := make([]int, 0, len(t))
	for y := range t {
		years = append(years, y)
	}
	sort.Ints(years)
	best := t[years[0]]
	for _, y := range years {
		if y <= year {
			best = t[y]
		}
	}
	return best
}

// YearTotal is what the ledger says a member was paid in a tax year, with its compliance record.
type YearTotal struct {
	MemberID, Name     string
	Credited, Withheld engine.Units // credits of committed runs (net of clawbacks); backup withholding
	Record             Record
}

// ReportStore reads a tax year's totals.
type ReportStore interface {
	// YearTotals returns every member whose credits in [from, to) reach min, or who had anything
	// withheld, with its compliance record.
	YearTotals(ctx context.Context, from, to time.Time, min engine.Units) ([]YearTotal, error)
}

// Recipient is a line of Form 1099-NEC.
type Recipient struct {
	MemberID     string  `json:"member_id"`
	Name         string  `json:"name"` // the W-9's legal name, or the member's name without one
	BusinessName string  `json:"business_name,omitempty"`
	EntityType   string  `json:"entity_type,omitempty"`
	TINType      string  `json:"tin_type,omitempty"`
	TIN          string  `json:"tin,omitempty" example:"***-**-6789"` // masked here; in full only in the filing CSV
	Address      Address `json:"address"`
	Box1         string  `json:"nonemployee_compensation" example:"2450.00"` // box 1
	Box4         string  `json:"federal_income_tax_withheld" example:"0.00"` // box 4: backup withholding
	tin          string
}

// Report1099 is a tax year's Form 1099-NEC data.
type Report1099 struct {
	Year      int    `json:"year"`
	Threshold string `json:"threshold" example:"2000.00"`
	Basis     string `json:"basis"`
	// Recipients are filed: at or above the threshold (or with backup withholding), with a TIN.
	Recipients []Recipient `json:"recipients"`
	// MissingTIN would be filed but have no certified TIN: collect a W-9 (their payments are
	// subject to backup withholding until then).
	MissingTIN []Recipient `json:"missing_tin"`
	// Exempt are corporations, not reported on Form 1099-NEC.
	Exempt      []Recipient `json:"exempt_corporations"`
	TotalBox1   string      `json:"total_nonemployee_compensation"`
	TotalBox4   string      `json:"total_withheld"`
	GeneratedAt time.Time   `json:"generated_at"`
}

// Basis1099 says what box 1 counts.
const Basis1099 = "Commissions credited to the wallet in the calendar year by committed payout runs, net of clawbacks (the ledger's credit entries dated in the year); withdrawals, adjustments and openings are not compensation. Box 4 is the backup withholding kept from withdrawals in the year."

// Form1099 builds a tax year's report.
func (s *Service) Form1099(ctx context.Context, year int) (*Report1099, error) {
	rs, th := s.Reports, s.Thresholds
	if year < 2000 || year > s.Now().Year() {
		return nil, graph.InvalidField("year", "must be a tax year from 2000 to %d", s.Now().Year())
	}
	if th == nil {
		th = DefaultThresholds
	}
	min := th.For(year)
	from := time.Date(year, 1, 1, 0, 0, 0, 0, time.UTC)
	totals, err := rs.YearTotals(ctx, from, from.AddDate(1, 0, 0), min)
	if err != nil {
		return nil, err
	}
	r := &Report1099{Year: year, Threshold: graph.Money(min), Basis: Basis1099, Recipients: []Recipient{}, MissingTIN: []Recipient{}, Exempt: []Recipient{},
		GeneratedAt: s.Now().UTC()}
	var box1, box4 engine.Units
	for _, t := range totals {
		if t.Credited < min && t.Withheld == 0 {
			continue // below the threshold and nothing withheld: not reported
		}
		rec := t.Record
		line := Recipient{MemberID: t.MemberID, Name: t.Name, Box1: graph.Money(max(t.Credited, 0)), Box4: graph.Money(t.Withheld), Address: rec.Address}
		if rec.ProfileAt != nil {
			line.Name, line.BusinessName, line.EntityType, line.TINType, line.TIN = rec.LegalName, rec.BusinessName, rec.EntityType, rec.TINType, MaskTIN(rec.TINType, rec.TINLast4)
			line.tin = rec.TINSealed
		}
		switch {
		case corporations[rec.EntityType]:
			r.Exempt = append(r.Exempt, line)
		case !profileComplete(&rec):
			r.MissingTIN = append(r.MissingTIN, line)
		default:
			r.Recipients = append(r.Recipients, line)
			box1 += max(t.Credited, 0)
			box4 += t.Withheld
		}
	}
	r.TotalBox1, r.TotalBox4 = graph.Money(box1), graph.Money(box4)
	return r, nil
}

// Payer is the company filing the forms (HALO_PAYER_NAME, HALO_PAYER_TIN, HALO_PAYER_ADDRESS).
type Payer struct {
	Name, TIN, Address string
}

// CSVHeader is the filing CSV's columns: the fields of Form 1099-NEC a filing service or the
// IRS's IRIS bulk upload takes.
var CSVHeader = []string{"Tax Year", "Payer TIN", "Payer Name", "Payer Address", "Recipient TIN Type", "Recipient TIN", "Recipient Name",
	"Recipient Business Name", "Address Line 1", "Address Line 2", "City", "State", "ZIP", "Account Number",
	"Box 1 Nonemployee Compensation", "Box 4 Federal Income Tax Withheld"}

// FilingRows is the report's recipients as the filing CSV's rows, with full TINs opened from the
// sealed ones (admins only; the export is audited).
func (s *Service) FilingRows(ctx context.Context, r *Report1099) ([][]string, error) {
	p := s.Payer
	s.Audit.Record(ctx, "compliance.1099_export", "tax_year", strconv.Itoa(r.Year), nil, map[string]any{"recipients": len(r.Recipients), "total": r.TotalBox1})
	rows := [][]string{}
	for _, x := range r.Recipients {
		tin, err := s.Box.Open(x.tin)
		if err != nil {
			return nil, err
		}
		if x.TINType == TINEIN {
			tin = tin[:2] + "-" + tin[2:]
		} else {
			tin = tin[:3] + "-" + tin[3:5] + "-" + tin[5:]
		}
		tinType := "SSN"
		if x.TINType == TINEIN {
			tinType = "EIN"
		}
		rows = append(rows, []string{strconv.Itoa(r.Year), p.TIN, p.Name, p.Address, tinType, tin, x.Name, x.BusinessName, x.Address.Line1, x.Address.Line2,
			x.Address.City, x.Address.State, x.Address.PostalCode, x.MemberID, x.Box1, x.Box4})
	}
	return rows, nil
}
