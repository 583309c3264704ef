package store

import (
	"context"
	"time"

	"github.com/halo-oss/halo/cypher"
	"github.com/halo-oss/halo/graph"
	"github.com/halo-oss/halo/graph/identity"
)

var (
	qAccountByEmail   = cypher.MustQuery("identity/account_by_email")
	qAccountByID      = cypher.MustQuery("identity/account_by_id")
	qAccountSetPasswd = cypher.MustQuery("identity/account_set_password")
	qResetSave        = cypher.MustQuery("identity/reset_save")
	qResetUse         = cypher.MustQuery("identity/reset_use")
	qSessionRevoke    = cypher.MustQuery("identity/session_revoke")
	qSessionRevoked   = cypher.MustQuery("identity/session_revoked")
)

// AccountByID implements identity.AccountStore.
func (s *Store) AccountByID(ctx context.Context, id string) (*identity.Account, error) {
	res, err := s.read(ctx, qAccountByID, map[string]any{"id": id})
	if err != nil {
		return nil, err
	}
	r := res.Records[0]
	if a := get[string](r, "admin_id"); a != "" {
		return &identity.Account{ID: a, Email: get[string](r, "admin_email"), Role: graph.RoleAdmin, PasswordHash: get[string](r, "admin_hash")}, nil
	}
	if m := get[string](r, "member_id"); m != "" {
		role := graph.RoleConsultant
		if get[string](r, "plan") == "customer" {
			role = graph.RoleCustomer
		}
		return &identity.Account{ID: m, Email: get[string](r, "member_email"), Role: role, PasswordHash: get[string](r, "member_hash")}, nil
	}
	return nil, graph.NotFound("no account %s", id)
}

// Revoke implements identity.Sessions.
func (s *Store) Revoke(ctx context.Context, jti, account string, until time.Time) error {
	_, err := s.write(ctx, qSessionRevoke, map[string]any{"jti": jti, "account": account, "until": ts(until)})
	return err
}

// Revoked implements identity.Sessions.
func (s *Store) Revoked(ctx context.Context, jti, account string, issued time.Time) (bool, error) {
	r := revokedRead(jti, account, issued)
	res, err := s.read(ctx, r.q, r.params)
	if err != nil {
		return false, err
	}
	return get[bool](res.Records[0], "revoked"), nil
}

// revokedRead is Revoked's read, which every signed-in request makes.
func revokedRead(jti, account string, issued time.Time) statement {
	return statement{qSessionRevoked, map[string]any{"jti": jti, "account": account, "issued": ts(issued)}}
}

// SetPassword implements identity.Sessions.
func (s *Store) SetPassword(ctx context.Context, id, hash string, after time.Time) error {
	res, err := s.write(ctx, qAccountSetPasswd, map[string]any{"id": id, "hash": hash, "after": ts(after.Truncate(time.Millisecond))})
	if err != nil {
		return err
	}
	if len(res.Records) == 0 || get[int64](res.Records[0], "n") == 0 {
		return graph.NotFound("no account %s", id)
	}
	return nil
}

// SaveReset implements identity.ResetStore.
func (s *Store) SaveReset(ctx context.Context, hash, account string, expires time.Time) error {
	_, err := s.write(ctx, qResetSave, map[string]any{"hash": hash, "account": account, "expires": ts(expires)})
	return err
}

// UseReset implements identity.ResetStore.
func (s *Store) UseReset(ctx context.Context, hash string, now time.Time) (string, error) {
	rec, err := writeOne(ctx, s, qResetUse, map[string]any{"hash": hash, "now": ts(now)}, graph.NotFound("reset token"))
	if err != nil {
		return "", err
	}
	return get[string](rec, "account"), nil
}

// AccountByEmail implements identity.AccountStore.
func (s *Store) AccountByEmail(ctx context.Context, email string) (*identity.Account, error) {
	rec, err := readOne(ctx, s, qAccountByEmail, map[string]any{"email": email}, graph.NotFound("no account"))
	if err != nil {
		return nil, err
	}
	m := rec.AsMap()
	if id, ok := m["admin_id"].(string); ok {
		h, _ := m["admin_hash"].(string)
		return &identity.Account{ID: id, Email: email, Role: graph.RoleAdmin, PasswordHash: h}, nil
	}
	if id, ok := m["member_id"].(string); ok {
		h, _ := m["member_hash"].(string)
		role := graph.RoleConsultant
		if m["plan"] == "customer" {
			role = graph.RoleCustomer
		}
		return &identity.Account{ID: id, Email: email, Role: role, PasswordHash: h}, nil
	}
	return nil, graph.NotFound("no account")
}
