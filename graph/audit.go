package graph

import (
	"context"
	"encoding/json"
	"log/slog"
	"time"
)

type actorKey struct{}

// WithActor records who acts in ctx (the API sets it from the bearer token).
func WithActor(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, actorKey{}, id)
}

// ActorOf returns who acts ("system" outside a request).
func ActorOf(ctx context.Context) string {
	if s, ok := ctx.Value(actorKey{}).(string); ok && s != "" {
		return s
	}
	return "system"
}

// AuditEntry is one admin action with its before and after.
type AuditEntry struct {
	ID         string          `json:"id"`
	Actor      string          `json:"actor"`
	Action     string          `json:"action" example:"member.upgrade"`
	TargetType string          `json:"target_type" example:"member"`
	TargetID   string          `json:"target_id" example:"HS-1001"`
	At         time.Time       `json:"at"`
	Before     json.RawMessage `json:"before,omitempty" swaggertype:"object"`
	After      json.RawMessage `json:"after,omitempty" swaggertype:"object"`
}

// AuditFilter narrows the audit log.
type AuditFilter struct {
	Actor, Action, TargetType, TargetID string
}

// AuditLog stores audit entries.
type AuditLog interface {
	RecordAudit(ctx context.Context, e AuditEntry) error
	Audit(ctx context.Context, f AuditFilter, offset, limit int) ([]AuditEntry, bool, error)
}

// Auditor writes audit entries for services; a nil Auditor records nothing.
type Auditor struct {
	Log  AuditLog
	Now  func() time.Time
	Slog *slog.Logger
}

// Record writes one entry. A failure to audit is logged loudly; the action itself has already
// happened and is not undone.
func (a *Auditor) Record(ctx context.Context, action, targetType, targetID string, before, after any) {
	if a == nil || a.Log == nil {
		return
	}
	enc := func(v any) json.RawMessage {
		if v == nil {
			return nil
		}
		b, err := json.Marshal(v)
		if err != nil {
			return nil
		}
		return b
	}
	now := time.Now
	if a.Now != nil {
		now = a.Now
	}
	e := AuditEntry{ID: NewID("aud"), Actor: ActorOf(ctx), Action: action, TargetType: targetType, TargetID: targetID, At: now().UTC(),
		Before: enc(before), After: enc(after)}
	if err := a.Log.RecordAudit(context.WithoutCancel(ctx), e); err != nil && a.Slog != nil {
		a.Slog.Error("audit entry could not be written", "action", action, "target", targetID, "error", err)
	}
}

// List pages the audit log, newest first.
func (a *Auditor) List(ctx context.Context, f AuditFilter, cursor string, limit int) (*Page[AuditEntry], error) {
	return Paginate(cursor, limit, func(off, lim int) ([]AuditEntry, bool, error) { return a.Log.Audit(ctx, f, off, lim) })
}
