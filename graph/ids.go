package graph

import (
	"crypto/rand"
	"encoding/hex"
	"net/mail"
	"regexp"
	"sort"
	"strings"
)

// newID makes a random id with a readable prefix ("wd-3f2a…").
func NewID(prefix string) string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return prefix + "-" + hex.EncodeToString(b[:])
}

var idPattern = regexp.MustCompile(`^[A-Za-z0-9._-]{1,64}$`)

// ValidID checks the id format of API.md.
func ValidID(id string) bool { return idPattern.MatchString(id) }

// ValidEmail accepts a bare address (no display name).
func ValidEmail(s string) bool {
	a, err := mail.ParseAddress(s)
	return err == nil && a.Address == s && strings.Contains(s[strings.LastIndex(s, "@")+1:], ".") && len(s) <= 254
}

// NormalizeEmail lower-cases and trims: the email is the login and is unique in that form.
func NormalizeEmail(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// sortedUnique is a helper for stores building lookup lists.
func SortedUnique(xs []string) []string {
	sort.Strings(xs)
	out := xs[:0]
	for i, x := range xs {
		if i == 0 || x != xs[i-1] {
			out = append(out, x)
		}
	}
	return out
}

// Unique returns the distinct values of xs, sorted.
func Unique(xs []string) []string { return SortedUnique(append([]string(nil), xs...)) }

func JSONMessage(err error) string {
	s := err.Error()
	s = strings.TrimPrefix(s, "json: ")
	if len(s) > 200 {
		s = s[:200]
	}
	return s
}
