// Package compliance is what a US direct-selling company must know and decide before it pays a
// consultant: the tax profile (W-9: legal name, entity type, TIN, address, certification), the
// bank account payouts go to, KYC, compliance holds, the withdrawal policy (a complete profile
// and verified KYC, or 24 % backup withholding), and the year's Form 1099-NEC.
package compliance

import (
	"regexp"
	"strings"
)

// digits keeps the digits of s and says whether anything other than digits, spaces and dashes
// was in it.
func digits(s string) (string, bool) {
	var b strings.Builder
	for _, c := range s {
		switch {
		case c >= '0' && c <= '9':
			b.WriteRune(c)
		case c == ' ' || c == '-':
		default:
			return "", false
		}
	}
	return b.String(), true
}

// ValidABA checks a bank routing number: nine digits, a Federal Reserve prefix, and the ABA check
// digit: 3·(d1+d4+d7) + 7·(d2+d5+d8) + (d3+d6+d9) is a multiple of 10.
func ValidABA(s string) bool {
	if len(s) != 9 {
		return false
	}
	d := make([]int, 9)
	for i, c := range s {
		if c < '0' || c > '9' {
			return false
		}
		d[i] = int(c - '0')
	}
	switch p := d[0]*10 + d[1]; {
	case p <= 12, p >= 21 && p <= 32, p >= 61 && p <= 72, p == 80:
	default:
		return false
	}
	return (3*(d[0]+d[3]+d[6])+7*(d[1]+d[4]+d[7])+(d[2]+d[5]+d[8]))%10 == 0
}

// ValidSSN checks a Social Security number's structure: nine digits, no area 000, 666 or 9xx, no
// group 00, no serial 0000.
func ValidSSN(s string) bool {
	if len(s) != 9 || strings.Trim(s, "0123456789") != "" {
		return false
	}
	area, group, serial := s[:3], s[3:5], s[5:]
	return area != "000" && area != "666" && area[0] != '9' && group != "00" && serial != "0000"
}

// einPrefixes are the campus prefixes the IRS assigns EINs under.
var einPrefixes = regexp.MustCompile(`^(0[1-6]|1[0-6]|2[0-7]|3[0-9]|4[0-8]|5[0-9]|6[0-8]|7[1-7]|8[0-8]|9[0-5]|9[89])`)

// ValidEIN checks an Employer Identification Number: nine digits under an IRS prefix.
func ValidEIN(s string) bool {
	return len(s) == 9 && strings.Trim(s, "0123456789") == "" && einPrefixes.MatchString(s)
}

// Last4 is what is shown of a TIN or an account number: the last four digits.
func Last4(s string) string {
	if len(s) <= 4 {
		return s
	}
	return s[len(s)-4:]
}

// MaskTIN shows a TIN as its type writes it, all but the last four hidden.
func MaskTIN(tinType, last4 string) string {
	if last4 == "" {
		return ""
	}
	if tinType == TINEIN {
		return "**-***" + last4
	}
	return "***-**-" + last4
}

// MaskAccount shows a bank account number's last four digits.
func MaskAccount(last4 string) string {
	if last4 == "" {
		return ""
	}
	return "****" + last4
}

var usStates = map[string]bool{}

func init() {
	for _, s := range strings.Fields("AL AK AZ AR CA CO CT DE DC FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ NM NY NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY PR GU VI AS MP") {
		usStates[s] = true
	}
}

var zip = regexp.MustCompile(`^\d{5}(-\d{4})?$`)
