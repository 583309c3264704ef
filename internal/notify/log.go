// Package notify holds the adapters that tell people things (identity.Notifier, field.Notifier).
package notify

import (
	"context"
	"log/slog"
	"time"

	"github.com/halo-oss/halo/graph/field"
)

// Log writes what it would deliver to the log: for development and for operators who relay it
// by hand. Production deployments plug in a real notifier.
type Log struct{ Log *slog.Logger }

// PasswordReset implements identity.Notifier.
func (n Log) PasswordReset(ctx context.Context, email, token string, expires time.Time) error {
	n.Log.Warn("password reset token (log notifier: deliver it to the member; use a real notifier in production)",
		"email", email, "token", token, "expires", expires.Format(time.RFC3339))
	return nil
}

// GatheringChanged implements field.Notifier.
func (n Log) GatheringChanged(ctx context.Context, email, name string, g field.Gathering, change string) error {
	n.Log.Info("registered gathering "+change+" (log notifier: tell the member; use a real notifier in production)",
		"email", email, "name", name, "gathering", g.ID, "title", g.Title, "starts_at", g.StartsAt.Format(time.RFC3339))
	return nil
}

// SeatConfirmed implements field.Notifier.
func (n Log) SeatConfirmed(ctx context.Context, email, name string, g field.Gathering) error {
	n.Log.Info("seat confirmed from the waitlist (log notifier: tell the member; use a real notifier in production)",
		"email", email, "name", name, "gathering", g.ID, "title", g.Title, "starts_at", g.StartsAt.Format(time.RFC3339))
	return nil
}
