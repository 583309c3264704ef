package store

import (
	"context"
	"time"

	"github.com/halo-oss/halo/cypher"
	"github.com/halo-oss/halo/graph"
	"github.com/halo-oss/halo/graph/identity"
)

var (
	qAccountByID      = cypher.MustQuery("account_by_id")
	qSessionRevoke    = cypher.MustQuery("session_revoke")
	qSessionRevoked   = cypher.MustQuery("session_revoked")
	qAccountSetPasswd = cypher.MustQuery("account_set_password")
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
func (s *Store) Revoke(ctx context.Context, jti string, until time.Time) error {
	_, err := s.write(ctx, qSessionRevoke, map[string]any{"jti": jti, "until": ts(until)})
	return err
}

// Revoked implements identity.Sessions.
func (s *Store) Revoked(ctx context.Context, jti, account string, issued time.Time) (bool, error) {
	res, err := s.read(ctx, qSessionRevoked, map[string]any{"jti": jti, "account": account, "issued": ts(issued)})
	if err != nil {
		return false, err
	}
	return get[bool](res.Records[0], "revoked"), nil
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

var (
	qResetSave = cypher.MustQuery("reset_save")
	qResetUse  = cypher.MustQuery("reset_use")
)

// SaveReset implements identity.ResetStore.
func (s *Store) SaveReset(ctx context.Context, hash, account string, expires time.Time) error {
	_, err := s.write(ctx, qResetSave, map[string]any{"hash": hash, "account": account, "expires": ts(expires)})
	return err
}

// UseReset implements identity.ResetStore.
func (s *Store) UseReset(ctx context.Context, hash string, now time.Time) (string, error) {
	res, err := s.write(ctx, qResetUse, map[string]any{"hash": hash, "now": ts(now)})
	if err != nil {
		return "", err
	}
	if len(res.Records) == 0 {
		return "", graph.NotFound("reset token")
	}
	return get[string](res.Records[0], "account"), nil
}
