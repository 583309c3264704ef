package cache

import (
	"context"
	"strconv"

	"github.com/redis/go-redis/v9"

	"github.com/halo-oss/halo/graph/payouts"
)

// Counters live in one Redis hash per generation, in exact integer hundredths (HINCRBY, never
// HINCRBYFLOAT): fields "<member>|pv", "<member>|l", "<member>|r". A rebuild fills a new
// generation and then switches the pointer, so readers never see a half-built set.

func (c *Cache) genKey() string { return c.prefix + "vol:gen" }
func (c *Cache) volKey(gen int64) string {
	return c.prefix + "vol:" + strconv.FormatInt(gen, 10)
}

func (c *Cache) currentGen(ctx context.Context) (int64, bool, error) {
	g, err := c.rdb.Get(ctx, c.genKey()).Int64()
	if err == redis.Nil {
		return 0, false, nil
	}
	return g, err == nil, err
}

// Generation implements graph.CounterCache: ok is false when Redis lost the counters.
func (c *Cache) Generation(ctx context.Context) (int64, bool, error) {
	return c.currentGen(ctx)
}

const pipeChunk = 5000

func (c *Cache) incr(ctx context.Context, key string, pv map[string]int64, legs map[string][2]int64) error {
	pipe := c.rdb.Pipeline()
	n := 0
	flush := func(force bool) error {
		if n == 0 || (!force && n < pipeChunk) {
			return nil
		}
		_, err := pipe.Exec(ctx)
		n = 0
		return err
	}
	for id, v := range pv {
		pipe.HIncrBy(ctx, key, id+"|pv", v)
		n++
		if err := flush(false); err != nil {
			return err
		}
	}
	for id, lr := range legs {
		if lr[0] != 0 {
			pipe.HIncrBy(ctx, key, id+"|l", lr[0])
			n++
		}
		if lr[1] != 0 {
			pipe.HIncrBy(ctx, key, id+"|r", lr[1])
			n++
		}
		if err := flush(false); err != nil {
			return err
		}
	}
	return flush(true)
}

// Apply implements graph.CounterCache.
func (c *Cache) Apply(ctx context.Context, pv map[string]int64, legs map[string][2]int64) error {
	g, ok, err := c.currentGen(ctx)
	if err != nil {
		return err
	}
	if !ok {
		return errNoCounters
	}
	return c.incr(ctx, c.volKey(g), pv, legs)
}

type cacheErr string

func (e cacheErr) Error() string { return string(e) }

const errNoCounters = cacheErr("redis holds no counters (lost or never built)")

// Replace implements graph.CounterCache.
func (c *Cache) Replace(ctx context.Context, pv map[string]int64, legs map[string][2]int64) (int64, error) {
	old, hadOld, err := c.currentGen(ctx)
	if err != nil {
		return 0, err
	}
	next, err := c.rdb.Incr(ctx, c.prefix+"vol:seq").Result()
	if err != nil {
		return 0, err
	}
	key := c.volKey(next)
	if err := c.rdb.Del(ctx, key).Err(); err != nil {
		return 0, err
	}
	if err := c.incr(ctx, key, pv, legs); err != nil {
		return 0, err
	}
	// An empty period still needs its generation to exist.
	if err := c.rdb.HSet(ctx, key, "_built", 1).Err(); err != nil {
		return 0, err
	}
	if err := c.rdb.Set(ctx, c.genKey(), next, 0).Err(); err != nil {
		return 0, err
	}
	if hadOld && old != next {
		c.rdb.Unlink(ctx, c.volKey(old))
	}
	return next, nil
}

// Read implements graph.CounterCache.
func (c *Cache) Read(ctx context.Context, ids []string) (map[string]payouts.Counters, error) {
	g, ok, err := c.currentGen(ctx)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, errNoCounters
	}
	fields := make([]string, 0, 3*len(ids))
	for _, id := range ids {
		fields = append(fields, id+"|pv", id+"|l", id+"|r")
	}
	vals, err := c.rdb.HMGet(ctx, c.volKey(g), fields...).Result()
	if err != nil {
		return nil, err
	}
	out := make(map[string]payouts.Counters, len(ids))
	num := func(v any) int64 {
		s, _ := v.(string)
		n, _ := strconv.ParseInt(s, 10, 64)
		return n
	}
	for i, id := range ids {
		out[id] = payouts.Counters{MemberID: id, PV: num(vals[3*i]), Left: num(vals[3*i+1]), Right: num(vals[3*i+2])}
	}
	return out, nil
}

// FlushForTests empties this cache's keys (integration tests only).
func (c *Cache) FlushForTests(ctx context.Context) error {
	iter := c.rdb.Scan(ctx, 0, c.prefix+"*", 1000).Iterator()
	for iter.Next(ctx) {
		if err := c.rdb.Del(ctx, iter.Val()).Err(); err != nil {
			return err
		}
	}
	return iter.Err()
}
