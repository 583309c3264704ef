package payouts

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/halo-oss/halo/engine"
)

// NACHA writes a payout batch as an ACH file a bank accepts: one PPD batch of credits (a
// consultant's commission payout is a consumer credit), 94-character records, blocked by ten
// with 9-filled lines, the entry hash and control totals computed from the entries. The format
// is written from the table of fields below, one per record type; no library for it can be
// installed here, and the tests read the file back with an independent parser.

// ACHConfig is the originator's identity, from configuration (HALO_ACH_*).
type ACHConfig struct {
	ImmediateDestination     string // the ODFI's routing number (9 digits), where the file goes
	ImmediateDestinationName string // its name (23)
	ImmediateOrigin          string // the company's identification at the bank (10), often "1" + its EIN
	ImmediateOriginName      string // (23)
	CompanyName              string // (16) shown on the consultant's statement
	CompanyID                string // (10)
	ODFI                     string // the ODFI's routing number's first 8 digits, for trace numbers
	EntryDescription         string // (10) e.g. COMMISSION
}

// DemoACH is the originator of the demo and the tests; a bank rejects it.
var DemoACH = ACHConfig{ImmediateDestination: "011000015", ImmediateDestinationName: "DEMO BANK", ImmediateOrigin: "1987654321",
	ImmediateOriginName: "HALO DEMO", CompanyName: "HALO DEMO", CompanyID: "1987654321", ODFI: "01100001", EntryDescription: "COMMISSION"}

// ACHEntry is one credit in the file.
type ACHEntry struct {
	Routing      string // 9 digits
	Account      string // up to 17 characters
	Savings      bool
	Amount       engine.Units
	IndividualID string // (15) the member id
	Name         string // (22)
	Trace        string // 15 digits
}

// ACHFile is what a file holds.
type ACHFile struct {
	Created        time.Time
	Effective      time.Time
	BatchNumber    int64
	FileIDModifier string // A–Z, 0–9: distinguishes files created the same day
	Entries        []ACHEntry
}

type fieldKind int

const (
	alpha   fieldKind = iota // left-justified, space-padded, upper case
	numeric                  // right-justified, zero-padded
)

type field struct {
	width int
	kind  fieldKind
	value string
}

func a(width int, v string) field { return field{width, alpha, v} }
func n(width int, v string) field { return field{width, numeric, v} }
func n64(width int, v int64) field {
	return field{width, numeric, strconv.FormatInt(v, 10)}
}

// record lays out fields into one 94-character record; a value too long for its field is an
// error (a numeric one would change the amount; an alphanumeric one is cut).
func record(fs ...field) (string, error) {
	var b strings.Builder
	for _, f := range fs {
		v := f.value
		switch f.kind {
		case alpha:
			v = strings.ToUpper(asciiOnly(v))
			if len(v) > f.width {
				v = v[:f.width]
			}
			b.WriteString(v + strings.Repeat(" ", f.width-len(v)))
		case numeric:
			if len(v) > f.width || strings.Trim(v, "0123456789") != "" {
				return "", fmt.Errorf("nacha: %q does not fit a numeric field of %d", v, f.width)
			}
			b.WriteString(strings.Repeat("0", f.width-len(v)) + v)
		}
	}
	if b.Len() != 94 {
		return "", fmt.Errorf("nacha: record of %d characters", b.Len())
	}
	return b.String(), nil
}

func asciiOnly(s string) string {
	var b strings.Builder
	for _, c := range s {
		if c >= 0x20 && c <= 0x7e {
			b.WriteRune(c)
		} else {
			b.WriteByte(' ')
		}
	}
	return b.String()
}

// WriteNACHA renders the file. PPD, service class 220 (credits only); transaction code 22 for a
// checking credit, 32 for savings.
func WriteNACHA(c ACHConfig, f ACHFile) (string, error) {
	var recs []string
	add := func(fs ...field) error {
		r, err := record(fs...)
		if err == nil {
			recs = append(recs, r)
		}
		return err
	}
	mod := f.FileIDModifier
	if mod == "" {
		mod = "A"
	}
	yymmdd := func(t time.Time) string { return t.UTC().Format("060102") }
	batchNo := n64(7, f.BatchNumber)
	err := add(n(1, "1"), n(2, "01"), a(10, " "+c.ImmediateDestination), a(10, c.ImmediateOrigin), n(6, yymmdd(f.Created)), n(4, f.Created.UTC().Format("1504")),
		a(1, mod), n(3, "094"), n(2, "10"), n(1, "1"), a(23, c.ImmediateDestinationName), a(23, c.ImmediateOriginName), a(8, ""))
	if err == nil {
		err = add(n(1, "5"), n(3, "220"), a(16, c.CompanyName), a(20, ""), a(10, c.CompanyID), a(3, "PPD"), a(10, c.EntryDescription),
			a(6, yymmdd(f.Effective)), n(6, yymmdd(f.Effective)), a(3, ""), a(1, "1"), n(8, c.ODFI), batchNo)
	}
	var hash, credit int64
	for _, e := range f.Entries {
		if err != nil {
			break
		}
		code := "22"
		if e.Savings {
			code = "32"
		}
		r8, _ := strconv.ParseInt(e.Routing[:8], 10, 64)
		hash += r8
		credit += int64(e.Amount)
		err = add(n(1, "6"), n(2, code), n(8, e.Routing[:8]), n(1, e.Routing[8:]), a(17, e.Account), n64(10, int64(e.Amount)),
			a(15, e.IndividualID), a(22, e.Name), a(2, ""), n(1, "0"), n(15, e.Trace))
	}
	hashField := n64(10, hash%10_000_000_000) // the entry hash keeps its last ten digits
	count := int64(len(f.Entries))
	if err == nil {
		err = add(n(1, "8"), n(3, "220"), n64(6, count), hashField, n64(12, 0), n64(12, credit), a(10, c.CompanyID), a(19, ""), a(6, ""),
			n(8, c.ODFI), batchNo)
	}
	records := int64(len(recs) + 1)
	blocks := (records + 9) / 10
	if err == nil {
		err = add(n(1, "9"), n64(6, 1), n64(6, blocks), n64(8, count), hashField, n64(12, 0), n64(12, credit), a(39, ""))
	}
	if err != nil {
		return "", err
	}
	for int64(len(recs))%10 != 0 {
		recs = append(recs, strings.Repeat("9", 94))
	}
	return strings.Join(recs, "\n") + "\n", nil
}

// ReturnCodes are the ACH return reasons an admin records (NACHA's R-codes most seen on credits).
var ReturnCodes = map[string]string{
	"R01": "Insufficient funds", "R02": "Account closed", "R03": "No account / unable to locate account",
	"R04": "Invalid account number structure", "R06": "Returned per ODFI's request", "R07": "Authorization revoked by customer",
	"R08": "Payment stopped", "R10": "Customer advises not authorized", "R11": "Customer advises entry not in accordance with the terms of the authorization",
	"R12": "Account sold to another DFI", "R13": "Invalid ACH routing number", "R14": "Representative payee deceased",
	"R15": "Beneficiary or account holder deceased", "R16": "Account frozen / entry returned per OFAC instruction", "R17": "File record edit criteria",
	"R20": "Non-transaction account", "R23": "Credit entry refused by receiver", "R24": "Duplicate entry", "R29": "Corporate customer advises not authorized",
}
