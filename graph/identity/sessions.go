package identity

import (
	"context"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"
)

// SessionTags is where the replicas of a deployment say that an account's sessions changed
// (Redis): a tag per account, new at every revocation of one of its tokens, and an epoch for
// the whole store, new whenever the store lost what it held.
type SessionTags interface {
	// SessionTag returns the store's epoch and the account's tag ("" when it has none).
	SessionTag(ctx context.Context, account string) (epoch, tag string, err error)
	// TouchSessionTag gives the account a new tag.
	TouchSessionTag(ctx context.Context, account string) error
}

// SessionCheck is Sessions with its answers for tokens that are not revoked kept in memory, so
// that a signed-in request asks the shared tag store (one Redis read) instead of Neo4j (one
// transaction, about 0.5 ms of Neo4j's CPU; issue #19).
//
// A kept answer holds while its account's tag and the store's epoch are the ones read before
// Neo4j answered, and for at most Recheck. Every revocation writes to Neo4j first and then
// gives the account a new tag, so a check that begins after a logout or a password change
// returned, on any replica, sees the new tag and asks Neo4j again. The revoking replica also
// forgets its own answers at once and keeps none from checks begun before, so when the tag
// cannot be written only the other replicas keep accepting the account's earlier tokens, for
// at most Recheck (logged as a warning); when the tags cannot be read, every check asks Neo4j
// as it did before.
type SessionCheck struct {
	Sessions // the record (Neo4j)
	Tags     SessionTags
	Recheck  time.Duration // default 30 s
	Max      int           // answers kept at most (default 100,000); past it, Neo4j is asked
	Now      func() time.Time
	Log      *slog.Logger

	mu      sync.Mutex
	kept    map[string]keptAnswer // by token id
	tagsOff atomic.Int64          // unix ns until which the tags are not read (they just failed)
	changes atomic.Int64          // revocations this replica recorded (keep)
}

type keptAnswer struct {
	account, epoch, tag string
	until               time.Time
}

// tagsRest is how long the checks go straight to Neo4j after the tag store failed, so that a
// Redis that is down costs each request no connection attempt.
const tagsRest = time.Second

func (c *SessionCheck) now() time.Time {
	if c.Now != nil {
		return c.Now()
	}
	return time.Now()
}

func (c *SessionCheck) recheck() time.Duration {
	if c.Recheck > 0 {
		return c.Recheck
	}
	return 30 * time.Second
}

func (c *SessionCheck) log() *slog.Logger {
	if c.Log != nil {
		return c.Log
	}
	return slog.Default()
}

// Revoked implements Sessions.
func (c *SessionCheck) Revoked(ctx context.Context, tokenID, accountID string, issuedAt time.Time) (bool, error) {
	seen := c.changes.Load()
	epoch, tag, tagged := c.readTag(ctx, accountID)
	if tagged && c.known(tokenID, accountID, epoch, tag) {
		return false, nil
	}
	revoked, err := c.Sessions.Revoked(ctx, tokenID, accountID, issuedAt)
	if err != nil || revoked || !tagged {
		return revoked, err
	}
	// The tag was read before Neo4j answered: a revocation committed after that answer gives
	// the account a tag other than this one.
	c.keep(seen, tokenID, keptAnswer{account: accountID, epoch: epoch, tag: tag, until: c.now().Add(c.recheck())})
	return false, nil
}

// Revoke implements Sessions.
func (c *SessionCheck) Revoke(ctx context.Context, tokenID, accountID string, until time.Time) error {
	if err := c.Sessions.Revoke(ctx, tokenID, accountID, until); err != nil {
		return err
	}
	c.changed(ctx, accountID)
	return nil
}

// SetPassword implements Sessions.
func (c *SessionCheck) SetPassword(ctx context.Context, accountID, hash string, tokensValidAfter time.Time) error {
	if err := c.Sessions.SetPassword(ctx, accountID, hash, tokensValidAfter); err != nil {
		return err
	}
	c.changed(ctx, accountID)
	return nil
}

// changed follows a revocation recorded in Neo4j: this replica forgets the account's answers,
// the others see its new tag.
func (c *SessionCheck) changed(ctx context.Context, accountID string) {
	c.mu.Lock()
	c.changes.Add(1)
	for id, a := range c.kept {
		if a.account == accountID {
			delete(c.kept, id)
		}
	}
	c.mu.Unlock()
	if c.Tags == nil {
		return
	}
	if err := c.Tags.TouchSessionTag(context.WithoutCancel(ctx), accountID); err != nil {
		c.log().Warn("a revocation could not be told to the other replicas: they accept the account's earlier tokens until they ask Neo4j again",
			"account", accountID, "within", c.recheck(), "error", err)
	}
}

func (c *SessionCheck) readTag(ctx context.Context, accountID string) (epoch, tag string, ok bool) {
	if c.Tags == nil || c.now().UnixNano() < c.tagsOff.Load() {
		return "", "", false
	}
	epoch, tag, err := c.Tags.SessionTag(ctx, accountID)
	if err != nil {
		c.tagsOff.Store(c.now().Add(tagsRest).UnixNano())
		return "", "", false
	}
	return epoch, tag, true
}

// known reports whether a kept answer, still current, says the token is not revoked.
func (c *SessionCheck) known(tokenID, accountID, epoch, tag string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	a, ok := c.kept[tokenID]
	return ok && a.account == accountID && a.epoch == epoch && a.tag == tag && c.now().Before(a.until)
}

// keep keeps an answer unless this replica recorded a revocation since the check began (seen):
// the answer may predate it, and the tag may not have been written.
func (c *SessionCheck) keep(seen int64, tokenID string, a keptAnswer) {
	limit := c.Max
	if limit <= 0 {
		limit = 100_000
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.changes.Load() != seen {
		return
	}
	if c.kept == nil {
		c.kept = map[string]keptAnswer{}
	}
	if len(c.kept) >= limit {
		now := c.now()
		for id, k := range c.kept {
			if !now.Before(k.until) {
				delete(c.kept, id)
			}
		}
		if len(c.kept) >= limit {
			return
		}
	}
	c.kept[tokenID] = a
}
