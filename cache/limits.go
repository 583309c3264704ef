package cache

import (
	"context"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/halo-oss/halo/graph"
)

// Login and self-registration tries, shared by every replica (identity.AttemptStore): one sorted
// set per key, scored by the try's time, trimmed to the window on every take. The keys carry the
// hash tag {limits}: a take checks an account and an address at once, which a Redis Cluster
// allows only within one slot.

var takeScript = redis.NewScript(`
local now, window = tonumber(ARGV[1]), tonumber(ARGV[2])
for i, k in ipairs(KEYS) do
  redis.call('ZREMRANGEBYSCORE', k, '-inf', now - window)
  if redis.call('ZCARD', k) >= tonumber(ARGV[2 + i]) then return 0 end
end
for i, k in ipairs(KEYS) do
  redis.call('ZADD', k, now, ARGV[2 + #KEYS + 1] .. ':' .. k)
  redis.call('PEXPIRE', k, math.ceil(window / 1000000))
end
return 1`)

func (c *Cache) limitKey(k string) string { return c.key("limits", k) }

// Take implements identity.AttemptStore.
func (c *Cache) Take(ctx context.Context, keys []string, max []int, window time.Duration, now time.Time) (bool, error) {
	ks := make([]string, len(keys))
	args := []any{now.UnixNano(), window.Nanoseconds()}
	for i, k := range keys {
		ks[i] = c.limitKey(k)
		args = append(args, max[i])
	}
	args = append(args, strconv.FormatInt(now.UnixNano(), 10)+"-"+graph.NewID("t"))
	n, err := takeScript.Run(ctx, c.rdb, ks, args...).Int()
	return n == 1, err
}

// GiveBack implements identity.AttemptStore.
func (c *Cache) GiveBack(ctx context.Context, keys ...string) error {
	pipe := c.rdb.Pipeline()
	for _, k := range keys {
		pipe.ZPopMax(ctx, c.limitKey(k))
	}
	_, err := pipe.Exec(ctx)
	return err
}

// Clear implements identity.AttemptStore.
func (c *Cache) Clear(ctx context.Context, key string) error {
	return c.rdb.Del(ctx, c.limitKey(key)).Err()
}
