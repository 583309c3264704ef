// Package identity is who may act: accounts, bearer tokens and their revocation, password
// change and reset, and the login limiter.
package identity

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"strings"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/halo-oss/halo/graph"
)

// Account is a login.
type Account struct {
	ID           string // member id, or the admin's id
	Email        string
	Role         graph.Role
	PasswordHash string
}

// AccountStore finds logins.
type AccountStore interface {
	// AccountByEmail returns a NotFound error when no account has the email.
	AccountByEmail(ctx context.Context, email string) (*Account, error)
	// AccountByID finds a login by id (admins "admin:<email>", members their member id).
	AccountByID(ctx context.Context, id string) (*Account, error)
}

// Sessions keeps revocations: a logged-out token, and for password changes every token of an
// account issued before a time.
type Sessions interface {
	Revoke(ctx context.Context, tokenID, accountID string, until time.Time) error
	// Revoked reports whether the token was revoked or issued before its account's cut-off.
	Revoked(ctx context.Context, tokenID, accountID string, issuedAt time.Time) (bool, error)
	SetPassword(ctx context.Context, accountID, hash string, tokensValidAfter time.Time) error
}

// TokenSigner issues and verifies signed bearer tokens (HMAC-SHA256, expiry inside).
type TokenSigner struct {
	key []byte
	TTL time.Duration
	Now func() time.Time
}

// NewTokenSigner derives the token key from the service secret, so the secret itself signs
// nothing directly.
func NewTokenSigner(secret []byte, ttl time.Duration) *TokenSigner {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte("halo token key v1"))
	return &TokenSigner{key: m.Sum(nil), TTL: ttl, Now: time.Now}
}

type tokenClaims struct {
	graph.Principal
	Exp   int64  `json:"exp"`
	Iat   int64  `json:"iat"`
	IatMs int64  `json:"iat_ms"` // issue time in milliseconds: a password change cuts tokens off exactly
	Jti   string `json:"jti"`
}

// Issue returns a token for p.
func (t *TokenSigner) Issue(p graph.Principal) (string, error) {
	var nonce [12]byte
	if _, err := rand.Read(nonce[:]); err != nil {
		return "", graph.Internal(err)
	}
	now := t.Now()
	body, err := json.Marshal(tokenClaims{Principal: p, Exp: now.Add(t.TTL).Unix(), Iat: now.Unix(), IatMs: now.UnixMilli(), Jti: hex.EncodeToString(nonce[:])})
	if err != nil {
		return "", graph.Internal(err)
	}
	payload := base64.RawURLEncoding.EncodeToString(body)
	return payload + "." + t.sign(payload), nil
}

func (t *TokenSigner) sign(payload string) string {
	m := hmac.New(sha256.New, t.key)
	m.Write([]byte(payload))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// Verify checks the signature and expiry.
func (t *TokenSigner) Verify(token string) (graph.Principal, error) {
	payload, sig, ok := strings.Cut(token, ".")
	if !ok || !hmac.Equal([]byte(sig), []byte(t.sign(payload))) {
		return graph.Principal{}, graph.Unauthorized("invalid token")
	}
	body, err := base64.RawURLEncoding.DecodeString(payload)
	if err != nil {
		return graph.Principal{}, graph.Unauthorized("invalid token")
	}
	var c tokenClaims
	if err := json.Unmarshal(body, &c); err != nil {
		return graph.Principal{}, graph.Unauthorized("invalid token")
	}
	if t.Now().Unix() >= c.Exp {
		return graph.Principal{}, graph.Unauthorized("token expired")
	}
	p := c.Principal
	p.TokenID, p.IssuedAt, p.Expires = c.Jti, time.UnixMilli(c.IatMs).UTC(), time.Unix(c.Exp, 0).UTC()
	return p, nil
}

// HashPassword hashes with bcrypt at the default cost.
func HashPassword(pw string) (string, error) {
	if len(pw) < 8 {
		return "", graph.InvalidField("password", "must be at least 8 characters")
	}
	if len(pw) > 72 {
		return "", graph.InvalidField("password", "must be at most 72 bytes")
	}
	h, err := bcrypt.GenerateFromPassword([]byte(pw), bcrypt.DefaultCost)
	if err != nil {
		return "", graph.Internal(err)
	}
	return string(h), nil
}

// dummyHash keeps the time of a login for an unknown email equal to that of a known one.
var dummyHash, _ = bcrypt.GenerateFromPassword([]byte("halo-no-such-account"), bcrypt.DefaultCost)

// AuthService logs accounts in and out.
type AuthService struct {
	Accounts AccountStore
	Tokens   *TokenSigner
	Sessions Sessions      // nil: tokens cannot be revoked (tests of other parts)
	Limiter  *LoginLimiter // nil: no rate limiting
}

// LoginResult is what a successful login returns.
type LoginResult struct {
	Token    string     `json:"token"`
	MemberID string     `json:"member_id"`
	Role     graph.Role `json:"role"`
}

// Login checks the password; every failure is the same 401 so emails cannot be enumerated.
// Repeated failures for one account or from one address are refused for a while (429).
func (s *AuthService) Login(ctx context.Context, email, password, ip string) (*LoginResult, error) {
	email = graph.NormalizeEmail(email)
	if err := s.Limiter.Attempt(email, ip); err != nil {
		return nil, err
	}
	res, err := s.login(ctx, email, password)
	switch {
	case err == nil:
		s.Limiter.Succeeded(email, ip)
	case graph.KindOf(err) != graph.KindUnauthorized:
		s.Limiter.Release(email, ip) // an outage is no failed login
	}
	return res, err
}

func (s *AuthService) login(ctx context.Context, email, password string) (*LoginResult, error) {
	if email == "" || password == "" {
		return nil, graph.Unauthorized("email or password is wrong")
	}
	acc, err := s.Accounts.AccountByEmail(ctx, email)
	if err != nil && graph.KindOf(err) != graph.KindNotFound {
		return nil, err
	}
	hash := dummyHash
	if acc != nil && acc.PasswordHash != "" {
		hash = []byte(acc.PasswordHash)
	}
	if bcrypt.CompareHashAndPassword(hash, []byte(password)) != nil || acc == nil || acc.PasswordHash == "" {
		return nil, graph.Unauthorized("email or password is wrong")
	}
	tok, err := s.Tokens.Issue(graph.Principal{ID: acc.ID, Role: acc.Role})
	if err != nil {
		return nil, err
	}
	return &LoginResult{Token: tok, MemberID: acc.ID, Role: acc.Role}, nil
}

// Authenticate verifies a bearer token and that it was not revoked.
func (s *AuthService) Authenticate(ctx context.Context, token string) (graph.Principal, error) {
	p, err := s.Tokens.Verify(token)
	if err != nil || s.Sessions == nil {
		return p, err
	}
	revoked, err := s.Sessions.Revoked(ctx, p.TokenID, p.ID, p.IssuedAt)
	if err != nil {
		return graph.Principal{}, err
	}
	if revoked {
		return graph.Principal{}, graph.Unauthorized("token revoked")
	}
	return p, nil
}

// Logout revokes the caller's token until it would have expired.
func (s *AuthService) Logout(ctx context.Context, p graph.Principal) error {
	if s.Sessions == nil {
		return graph.Internal(nil)
	}
	return s.Sessions.Revoke(ctx, p.TokenID, p.ID, p.Expires)
}

// PasswordChange is POST /auth/password.
type PasswordChange struct {
	Current string `json:"current_password"`
	New     string `json:"new_password"`
}

// ChangePassword checks the current password, sets the new one and revokes every token the
// account was given before (other sessions end; the caller logs in again).
func (s *AuthService) ChangePassword(ctx context.Context, p graph.Principal, req PasswordChange) error {
	acc, err := s.accountByID(ctx, p)
	if err != nil {
		return err
	}
	if bcrypt.CompareHashAndPassword([]byte(acc.PasswordHash), []byte(req.Current)) != nil {
		return graph.InvalidField("current_password", "is wrong")
	}
	if req.New == req.Current {
		return graph.InvalidField("new_password", "must differ from the current password")
	}
	hash, err := HashPassword(req.New)
	if err != nil {
		return graph.InvalidField("new_password", "%s", graph.AsError(err).Details[0].Message)
	}
	return s.Sessions.SetPassword(ctx, p.ID, hash, s.Tokens.Now().UTC())
}

func (s *AuthService) accountByID(ctx context.Context, p graph.Principal) (*Account, error) {
	if s.Sessions == nil {
		return nil, graph.Internal(nil)
	}
	return s.Accounts.AccountByID(ctx, p.ID)
}
