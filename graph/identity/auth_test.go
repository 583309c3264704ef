package identity

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/halo-oss/halo/graph"
)

// memAccounts is logins, revocations and reset tokens in memory.
type memAccounts struct {
	byEmail map[string]*Account
	revoked map[string]bool
	cutoff  map[string]time.Time
	resets  map[string]string // token hash -> account
	used    map[string]bool
}

func newAccounts(t *testing.T) *memAccounts {
	hash, err := HashPassword("correct-horse")
	if err != nil {
		t.Fatal(err)
	}
	return &memAccounts{byEmail: map[string]*Account{"ana@example.com": {ID: "ana", Email: "ana@example.com", Role: graph.RoleConsultant, PasswordHash: hash}},
		revoked: map[string]bool{}, cutoff: map[string]time.Time{}, resets: map[string]string{}, used: map[string]bool{}}
}

func (m *memAccounts) AccountByEmail(_ context.Context, email string) (*Account, error) {
	if a, ok := m.byEmail[email]; ok {
		return a, nil
	}
	return nil, graph.NotFound("no account")
}

func (m *memAccounts) AccountByID(_ context.Context, id string) (*Account, error) {
	for _, a := range m.byEmail {
		if a.ID == id {
			return a, nil
		}
	}
	return nil, graph.NotFound("no account")
}

func (m *memAccounts) Revoke(_ context.Context, id, _ string, _ time.Time) error {
	m.revoked[id] = true
	return nil
}

func (m *memAccounts) Revoked(_ context.Context, id, account string, issued time.Time) (bool, error) {
	return m.revoked[id] || issued.Before(m.cutoff[account]), nil
}

func (m *memAccounts) SetPassword(_ context.Context, account, hash string, after time.Time) error {
	a, _ := m.AccountByID(context.Background(), account)
	a.PasswordHash = hash
	m.cutoff[account] = after
	return nil
}

func (m *memAccounts) SaveReset(_ context.Context, hash, account string, _ time.Time) error {
	m.resets[hash] = account
	return nil
}

func (m *memAccounts) UseReset(_ context.Context, hash string, _ time.Time) (string, error) {
	a, ok := m.resets[hash]
	if !ok || m.used[hash] {
		return "", graph.NotFound("no such token")
	}
	m.used[hash] = true
	return a, nil
}

type tokens struct{ sent map[string]string }

func (n *tokens) PasswordReset(_ context.Context, email, token string, _ time.Time) error {
	n.sent[email] = token
	return nil
}

type ticking struct{ t time.Time }

func (c *ticking) Now() time.Time { return c.t }

func TestTokensAreSignedAndExpire(t *testing.T) {
	c := &ticking{t: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)}
	ts := NewTokenSigner([]byte("service secret"), time.Hour)
	ts.Now = c.Now
	tok, err := ts.Issue(graph.Principal{ID: "ana", Role: graph.RoleConsultant})
	if err != nil {
		t.Fatal(err)
	}
	p, err := ts.Verify(tok)
	if err != nil || p.ID != "ana" || p.Role != graph.RoleConsultant || p.TokenID == "" || !p.Expires.Equal(c.t.Add(time.Hour)) {
		t.Fatalf("%v %+v", err, p)
	}
	payload, sig, _ := strings.Cut(tok, ".")
	other := NewTokenSigner([]byte("another secret"), time.Hour)
	for name, bad := range map[string]string{
		"tampered":       payload + "x." + sig,
		"no signature":   payload,
		"another signer": func() string { s, _ := other.Issue(graph.Principal{ID: "ana", Role: graph.RoleAdmin}); return s }(),
	} {
		if _, err := ts.Verify(bad); graph.KindOf(err) != graph.KindUnauthorized {
			t.Errorf("%s: %v", name, err)
		}
	}
	c.t = c.t.Add(time.Hour)
	if _, err := ts.Verify(tok); graph.KindOf(err) != graph.KindUnauthorized || !strings.Contains(err.Error(), "expired") {
		t.Errorf("expired: %v", err)
	}
}

// Login answers the same for a wrong password and an unknown e-mail, limits repeated
// failures, and a password change ends every earlier session.
func TestLoginLogoutAndPasswordChange(t *testing.T) {
	st := newAccounts(t)
	c := &ticking{t: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)}
	ts := NewTokenSigner([]byte("service secret"), time.Hour)
	ts.Now = c.Now
	s := &AuthService{Accounts: st, Tokens: ts, Sessions: st, Limiter: &LoginLimiter{PerAccount: 2, Now: c.Now}}
	ctx := context.Background()
	wrong, unknown := func() error { _, err := s.Login(ctx, "ana@example.com", "nope", "10.0.0.1"); return err }(),
		func() error { _, err := s.Login(ctx, "who@example.com", "nope", "10.0.0.1"); return err }()
	if graph.KindOf(wrong) != graph.KindUnauthorized || wrong.Error() != unknown.Error() {
		t.Errorf("wrong password %v, unknown e-mail %v: the same answer", wrong, unknown)
	}
	res, err := s.Login(ctx, " ANA@example.com ", "correct-horse", "10.0.0.1")
	if err != nil || res.MemberID != "ana" || res.Role != graph.RoleConsultant {
		t.Fatalf("%v %+v", err, res)
	}
	s.Login(ctx, "ana@example.com", "nope", "10.0.0.1")
	s.Login(ctx, "ana@example.com", "nope", "10.0.0.1")
	if _, err := s.Login(ctx, "ana@example.com", "correct-horse", "10.0.0.1"); graph.KindOf(err) != graph.KindRateLimited {
		t.Errorf("after repeated failures even the right password waits: %v", err)
	}
	p, err := s.Authenticate(ctx, res.Token)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.ChangePassword(ctx, p, PasswordChange{Current: "nope", New: "battery-staple"}); graph.KindOf(err) != graph.KindInvalid {
		t.Errorf("the current password is checked: %v", err)
	}
	if err := s.ChangePassword(ctx, p, PasswordChange{Current: "correct-horse", New: "correct-horse"}); graph.KindOf(err) != graph.KindInvalid {
		t.Errorf("a new password differs: %v", err)
	}
	c.t = c.t.Add(time.Second)
	if err := s.ChangePassword(ctx, p, PasswordChange{Current: "correct-horse", New: "battery-staple"}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Authenticate(ctx, res.Token); graph.KindOf(err) != graph.KindUnauthorized {
		t.Errorf("a token from before the change is revoked: %v", err)
	}
	c.t = c.t.Add(16 * time.Minute) // the limiter's window has passed
	fresh, err := s.Login(ctx, "ana@example.com", "battery-staple", "10.0.0.2")
	if err != nil {
		t.Fatal(err)
	}
	fp, _ := s.Authenticate(ctx, fresh.Token)
	if err := s.Logout(ctx, fp); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Authenticate(ctx, fresh.Token); graph.KindOf(err) != graph.KindUnauthorized {
		t.Errorf("a logged-out token is revoked: %v", err)
	}
}

// A reset token is sent only to a known e-mail (the answer is the same either way), works once,
// and ends every earlier session.
func TestPasswordReset(t *testing.T) {
	st := newAccounts(t)
	now := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	sent := &tokens{sent: map[string]string{}}
	s := &ResetService{Accounts: st, Store: st, Sessions: st, Notifier: sent, Now: func() time.Time { return now }}
	ctx := context.Background()
	err := s.Request(ctx, ResetRequest{Email: "nobody@example.com"}, "10.0.0.1")
	s.Settle()
	if err != nil || len(sent.sent) != 0 {
		t.Errorf("an unknown e-mail: %v %v", err, sent.sent)
	}
	if err := s.Request(ctx, ResetRequest{Email: "Ana@Example.com"}, "10.0.0.1"); err != nil {
		t.Fatal(err)
	}
	s.Settle()
	tok := sent.sent["ana@example.com"]
	if len(tok) != 64 || st.resets[tok] != "" {
		t.Fatalf("a 64-hex token, kept only as its hash: %q", tok)
	}
	if err := s.Confirm(ctx, ResetConfirm{Token: tok, NewPassword: "short"}); graph.KindOf(err) != graph.KindInvalid {
		t.Errorf("a short password: %v", err)
	}
	if err := s.Confirm(ctx, ResetConfirm{Token: tok, NewPassword: "battery-staple"}); err != nil {
		t.Fatal(err)
	}
	if err := s.Confirm(ctx, ResetConfirm{Token: tok, NewPassword: "battery-staple"}); graph.KindOf(err) != graph.KindInvalid {
		t.Errorf("a token works once: %v", err)
	}
	if !st.cutoff["ana"].Equal(now) {
		t.Error("a reset ends earlier sessions")
	}
}

type slowAccounts struct {
	*memAccounts
	release chan struct{}
}

func (s slowAccounts) AccountByEmail(ctx context.Context, email string) (*Account, error) {
	<-s.release
	return s.memAccounts.AccountByEmail(ctx, email)
}

// Issue #14, finding 11: the answer to a reset request does not wait for the account lookup, so
// its timing says nothing about whether the e-mail is registered.
func TestResetAnswersBeforeTheLookup(t *testing.T) {
	st := newAccounts(t)
	slow := slowAccounts{st, make(chan struct{})}
	sent := &tokens{sent: map[string]string{}}
	s := &ResetService{Accounts: slow, Store: st, Sessions: st, Notifier: sent, Now: time.Now}
	done := make(chan error, 2)
	go func() { done <- s.Request(context.Background(), ResetRequest{Email: "ana@example.com"}, "10.0.0.1") }()
	go func() { done <- s.Request(context.Background(), ResetRequest{Email: "who@example.com"}, "10.0.0.1") }()
	for i := 0; i < 2; i++ {
		select {
		case err := <-done:
			if err != nil {
				t.Fatal(err)
			}
		case <-time.After(2 * time.Second):
			t.Fatal("a reset request waited for the account lookup")
		}
	}
	close(slow.release)
	s.Settle()
	if len(sent.sent) != 1 || sent.sent["ana@example.com"] == "" {
		t.Errorf("delivered: %v", sent.sent)
	}
}
