package graph

import "time"

// Role is what an account may see (admin everything, consultant its downline, customer itself).
type Role string

const (
	RoleAdmin      Role = "admin"
	RoleConsultant Role = "consultant"
	RoleCustomer   Role = "customer"
)

// Principal is an authenticated caller.
type Principal struct {
	ID   string `json:"sub"`
	Role Role   `json:"role"`
	// The token's own id and times, for revocation (not part of the answer of /auth/me).
	TokenID  string    `json:"-"`
	IssuedAt time.Time `json:"-"`
	Expires  time.Time `json:"-"`
}
