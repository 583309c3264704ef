package graph

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
)

// Role is what an account may see (admin everything, consultant its downline, customer itself).
type Role string

const (
	RoleAdmin      Role = "admin"
	RoleConsultant Role = "consultant"
	RoleCustomer   Role = "customer"
)

// Account is a login.
type Account struct {
	ID           string // member id, or the admin's id
	Email        string
	Role         Role
	PasswordHash string
}

// AccountStore finds logins.
type AccountStore interface {
	// AccountByEmail returns a NotFound error when no account has the email.
	AccountByEmail(ctx context.Context, email string) (*Account, error)
}

// Principal is an authenticated caller.
type Principal struct {
	ID   string `json:"sub"`
	Role Role   `json:"role"`
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
	Principal
	Exp int64  `json:"exp"`
	Iat int64  `json:"iat"`
	Jti string `json:"jti"`
}

// Issue returns a token for p.
func (t *TokenSigner) Issue(p Principal) (string, error) {
	var nonce [12]byte
	if _, err := rand.Read(nonce[:]); err != nil {
		return "", Internal(err)
	}
	now := t.Now()
	body, err := json.Marshal(tokenClaims{Principal: p, Exp: now.Add(t.TTL).Unix(), Iat: now.Unix(), Jti: hex.EncodeToString(nonce[:])})
	if err != nil {
		return "", Internal(err)
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
func (t *TokenSigner) Verify(token string) (Principal, error) {
	payload, sig, ok := strings.Cut(token, ".")
	if !ok || !hmac.Equal([]byte(sig), []byte(t.sign(payload))) {
		return Principal{}, Unauthorized("invalid token")
	}
	body, err := base64.RawURLEncoding.DecodeString(payload)
	if err != nil {
		return Principal{}, Unauthorized("invalid token")
	}
	var c tokenClaims
	if err := json.Unmarshal(body, &c); err != nil {
		return Principal{}, Unauthorized("invalid token")
	}
	if t.Now().Unix() >= c.Exp {
		return Principal{}, Unauthorized("token expired")
	}
	return c.Principal, nil
}

// HashPassword hashes with bcrypt at the default cost.
func HashPassword(pw string) (string, error) {
	if len(pw) < 8 {
		return "", InvalidField("password", "must be at least 8 characters")
	}
	if len(pw) > 72 {
		return "", InvalidField("password", "must be at most 72 bytes")
	}
	h, err := bcrypt.GenerateFromPassword([]byte(pw), bcrypt.DefaultCost)
	if err != nil {
		return "", Internal(err)
	}
	return string(h), nil
}

// dummyHash keeps the time of a login for an unknown email equal to that of a known one.
var dummyHash, _ = bcrypt.GenerateFromPassword([]byte("halo-no-such-account"), bcrypt.DefaultCost)

// AuthService logs accounts in.
type AuthService struct {
	Accounts AccountStore
	Tokens   *TokenSigner
}

// LoginResult is what a successful login returns.
type LoginResult struct {
	Token    string `json:"token"`
	MemberID string `json:"member_id"`
	Role     Role   `json:"role"`
}

// Login checks the password; every failure is the same 401 so emails cannot be enumerated.
func (s *AuthService) Login(ctx context.Context, email, password string) (*LoginResult, error) {
	email = NormalizeEmail(email)
	if email == "" || password == "" {
		return nil, Unauthorized("email or password is wrong")
	}
	acc, err := s.Accounts.AccountByEmail(ctx, email)
	if err != nil && KindOf(err) != KindNotFound {
		return nil, err
	}
	hash := dummyHash
	if acc != nil && acc.PasswordHash != "" {
		hash = []byte(acc.PasswordHash)
	}
	if bcrypt.CompareHashAndPassword(hash, []byte(password)) != nil || acc == nil || acc.PasswordHash == "" {
		return nil, Unauthorized("email or password is wrong")
	}
	tok, err := s.Tokens.Issue(Principal{ID: acc.ID, Role: acc.Role})
	if err != nil {
		return nil, err
	}
	return &LoginResult{Token: tok, MemberID: acc.ID, Role: acc.Role}, nil
}

// Authenticate verifies a bearer token.
func (s *AuthService) Authenticate(token string) (Principal, error) {
	return s.Tokens.Verify(token)
}

// NormalizeEmail lower-cases and trims: the email is the login and is unique in that form.
func NormalizeEmail(s string) string { return strings.ToLower(strings.TrimSpace(s)) }
