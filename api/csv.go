package api

import "strings"

// text neutralises a free-text cell of a CSV export: a cell a spreadsheet would read as a formula
// (=, +, -, @, or a leading tab or carriage return) is prefixed with a quote, so a member's name
// such as =HYPERLINK(…) shows as text and never runs (OWASP, CSV injection). Amounts, ids and
// times are validated values and are written as they are.
func text(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
