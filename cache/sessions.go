package cache

import (
	"context"
	"errors"
	"time"

	"github.com/halo-oss/halo/graph"
)

// Session tags (identity.SessionTags): one key per account whose sessions changed, and the
// epoch, set once and lost only with the rest of Redis's data. The keys carry the hash tag
// {sessions}, so the two are read in one MGET on a Redis Cluster too.

// sessionTagTTL outlives any answer a replica keeps (identity.SessionCheck.Recheck), after
// which a missing tag says nothing it has not asked Neo4j about since.
const sessionTagTTL = time.Hour

func (c *Cache) sessionKeys(account string) (epoch, tag string) {
	return c.key("sessions", "epoch"), c.key("sessions", "tag:"+account)
}

// SessionTag implements identity.SessionTags.
func (c *Cache) SessionTag(ctx context.Context, account string) (string, string, error) {
	ek, tk := c.sessionKeys(account)
	for range 2 {
		vs, err := c.rdb.MGet(ctx, ek, tk).Result()
		if err != nil {
			return "", "", err
		}
		epoch, _ := vs[0].(string)
		tag, _ := vs[1].(string)
		if epoch != "" {
			return epoch, tag, nil
		}
		// A Redis without an epoch (new, or its data lost): a new one, so that no answer kept
		// under the old one matches.
		if err := c.rdb.SetNX(ctx, ek, graph.NewID("epoch"), 0).Err(); err != nil {
			return "", "", err
		}
	}
	return "", "", graph.Unavailable("Redis (the session epoch)", errors.New("lost twice in a row"))
}

// TouchSessionTag implements identity.SessionTags.
func (c *Cache) TouchSessionTag(ctx context.Context, account string) error {
	_, tk := c.sessionKeys(account)
	return c.rdb.Set(ctx, tk, graph.NewID("tag"), sessionTagTTL).Err()
}
