package identity

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"log/slog"
	"sync"
	"time"

	"github.com/halo-oss/halo/graph"
)

// Notifier delivers messages to people (e-mail, SMS …); internal/notify.Log is the default.
type Notifier interface {
	PasswordReset(ctx context.Context, email, token string, expires time.Time) error
}

// ResetStore keeps reset tokens as hashes only.
type ResetStore interface {
	SaveReset(ctx context.Context, tokenHash, accountID string, expires time.Time) error
	// UseReset marks the token used and returns its account; NotFound when unknown, used or expired.
	UseReset(ctx context.Context, tokenHash string, now time.Time) (accountID string, err error)
}

// ResetService runs the password reset flow.
type ResetService struct {
	Accounts AccountStore
	Store    ResetStore
	Sessions Sessions
	Notifier Notifier
	Now      func() time.Time
	TTL      time.Duration // default 1 hour
	Limiter  *LoginLimiter
	Log      *slog.Logger

	pending sync.WaitGroup
}

// ResetRequest is POST /auth/password-reset.
type ResetRequest struct {
	Email string `json:"email" example:"ana@example.com"`
}

// ResetConfirm is POST /auth/password-reset/confirm.
type ResetConfirm struct {
	Token       string `json:"token"`
	NewPassword string `json:"new_password"`
}

func hashToken(t string) string {
	h := sha256.Sum256([]byte(t))
	return hex.EncodeToString(h[:])
}

// Request sends a reset token if the email has an account. The answer is the same, and as
// fast, either way — the lookup and the delivery happen after it — so the endpoint reveals
// nothing about who is registered.
func (s *ResetService) Request(ctx context.Context, req ResetRequest, ip string) error {
	email := graph.NormalizeEmail(req.Email)
	if err := s.Limiter.Attempt("reset:"+email, ip); err != nil { // every request counts against the window
		return err
	}
	s.pending.Add(1)
	go func() {
		defer s.pending.Done()
		if err := s.deliver(context.WithoutCancel(ctx), email); err != nil && s.Log != nil {
			s.Log.Error("password reset not delivered", "error", err)
		}
	}()
	return nil
}

// Settle waits for the resets requested so far to be delivered (tests; graceful shutdown).
func (s *ResetService) Settle() { s.pending.Wait() }

func (s *ResetService) deliver(ctx context.Context, email string) error {
	acc, err := s.Accounts.AccountByEmail(ctx, email)
	if graph.KindOf(err) == graph.KindNotFound {
		return nil
	}
	if err != nil {
		return err
	}
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		return graph.Internal(err)
	}
	token := hex.EncodeToString(b[:])
	ttl := s.TTL
	if ttl == 0 {
		ttl = time.Hour
	}
	expires := s.Now().UTC().Add(ttl)
	if err := s.Store.SaveReset(ctx, hashToken(token), acc.ID, expires); err != nil {
		return err
	}
	return s.Notifier.PasswordReset(ctx, email, token, expires)
}

// Confirm sets a new password with a valid token (once) and revokes every earlier session.
func (s *ResetService) Confirm(ctx context.Context, req ResetConfirm) error {
	if len(req.Token) != 64 {
		return graph.InvalidField("token", "is not valid (or expired, or already used)")
	}
	hash, err := HashPassword(req.NewPassword)
	if err != nil {
		return graph.InvalidField("new_password", "%s", graph.AsError(err).Details[0].Message)
	}
	id, err := s.Store.UseReset(ctx, hashToken(req.Token), s.Now().UTC())
	if graph.KindOf(err) == graph.KindNotFound {
		return graph.InvalidField("token", "is not valid (or expired, or already used)")
	}
	if err != nil {
		return err
	}
	return s.Sessions.SetPassword(ctx, id, hash, s.Now().UTC())
}
