package genealogy

import (
	"strings"

	"github.com/halo-oss/halo/engine"
	"github.com/halo-oss/halo/graph"
)

// NewMember is what every new member has, however it arrives: an admin's registration, a
// self-registration, a line of an import, or a vendor's customer sign-up.
type NewMember struct {
	ID, Name, Email, Plan string

	plan engine.Plan
}

// CheckNewMember applies API.md's field rules to a new member: the id's format, a name of at
// most 200 characters, a bare e-mail address, and a known plan. It returns the member with its
// name trimmed and its e-mail normalized, and one detail per broken rule, by field.
func CheckNewMember(m NewMember) (NewMember, []graph.Detail) {
	var details []graph.Detail
	bad := func(field, msg string) { details = append(details, graph.Detail{Field: field, Message: msg}) }
	switch {
	case m.ID == "":
		bad("id", "is required")
	case !graph.ValidID(m.ID):
		bad("id", "must match ^[A-Za-z0-9._-]{1,64}$")
	}
	m.Name = strings.TrimSpace(m.Name)
	if m.Name == "" || len(m.Name) > 200 {
		bad("name", "is required (at most 200 characters)")
	}
	m.Email = graph.NormalizeEmail(m.Email)
	if !graph.ValidEmail(m.Email) {
		bad("email", "must be a valid email address")
	}
	var err error
	if m.plan, err = engine.ParsePlan(m.Plan); err != nil {
		bad("plan", "must be affiliate, consultant, consultant_plus or customer")
	}
	return m, details
}
