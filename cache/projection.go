package cache

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/halo-oss/halo/engine"
	"github.com/halo-oss/halo/graph/payouts"
)

// The earnings projection of the open period, published by the replica that holds the
// projection's lease and read by every replica, so all of them answer with the same as_of. One
// hash per generation under the hash tag {proj}: "_period_end" and "_as_of", then one field per
// consultant with anything to show, its figures as integers separated by commas (see encode).
// Consultants absent from the hash have an all-zero projection.

func (c *Cache) projKey(suffix string) string { return c.key("proj", suffix) }

// ProjectionLease implements payouts.ProjectionCache.
func (c *Cache) ProjectionLease(ctx context.Context, holder string, ttl time.Duration) (int64, error) {
	return c.lease(ctx, "proj", holder, ttl)
}

// ProjectionRelease implements payouts.ProjectionCache.
func (c *Cache) ProjectionRelease(ctx context.Context, holder string) error {
	return c.release(ctx, "proj", holder)
}

// RequestProjection implements payouts.ProjectionCache: any replica may ask for a recomputation.
func (c *Cache) RequestProjection(ctx context.Context) (int64, error) {
	return c.rdb.Incr(ctx, c.projKey("want")).Result()
}

// ProjectionRequested implements payouts.ProjectionCache.
func (c *Cache) ProjectionRequested(ctx context.Context) (int64, error) {
	n, err := c.rdb.Get(ctx, c.projKey("want")).Int64()
	if err == redis.Nil {
		return 0, nil
	}
	return n, err
}

// encode writes what the dashboards read: active, personal volume, sponsored actives, members
// per leg, the amount per line type and the members per sponsor generation.
func encode(p *payouts.Projected) string {
	var b strings.Builder
	put := func(v int64) {
		if b.Len() > 0 {
			b.WriteByte(',')
		}
		b.WriteString(strconv.FormatInt(v, 10))
	}
	active := int64(0)
	if p.State.Active {
		active = 1
	}
	put(active)
	put(int64(p.State.PersonalVolume))
	put(int64(p.State.SponsoredActives))
	put(int64(p.State.LeftMembers))
	put(int64(p.State.RightMembers))
	for _, v := range p.ByType {
		put(int64(v))
	}
	for _, v := range p.Generations {
		put(int64(v))
	}
	return b.String()
}

const encodedLen = 5 + 8 + 8

func decode(s string) (*payouts.Projected, bool) {
	parts := strings.Split(s, ",")
	if len(parts) != encodedLen {
		return nil, false
	}
	n := make([]int64, len(parts))
	for i, x := range parts {
		v, err := strconv.ParseInt(x, 10, 64)
		if err != nil {
			return nil, false
		}
		n[i] = v
	}
	p := &payouts.Projected{}
	p.State.Active = n[0] == 1
	p.State.PersonalVolume = engine.Units(n[1])
	p.State.SponsoredActives = int(n[2])
	p.State.LeftMembers, p.State.RightMembers = int32(n[3]), int32(n[4])
	for i := range p.ByType {
		p.ByType[i] = engine.Units(n[5+i])
	}
	for i := range p.Generations {
		p.Generations[i] = int32(n[13+i])
	}
	return p, true
}

func worthKeeping(p *payouts.Projected) bool {
	if p.State.Active || p.State.PersonalVolume != 0 || p.State.SponsoredActives != 0 || p.State.LeftMembers != 0 || p.State.RightMembers != 0 {
		return true
	}
	for _, v := range p.ByType {
		if v != 0 {
			return true
		}
	}
	for _, v := range p.Generations {
		if v != 0 {
			return true
		}
	}
	return false
}

// PublishProjection implements payouts.ProjectionCache: fills a new generation, then makes it
// current only if token is still the projection lease's.
func (c *Cache) PublishProjection(ctx context.Context, token int64, p *payouts.Projection) error {
	old, oldErr := c.rdb.Get(ctx, c.projKey("gen")).Result()
	next, err := c.rdb.Incr(ctx, c.projKey("seq")).Result()
	if err != nil {
		return err
	}
	key := c.projKey(strconv.FormatInt(next, 10))
	pipe := c.rdb.Pipeline()
	pipe.Del(ctx, key)
	pipe.HSet(ctx, key, "_period_end", p.PeriodEnd.UTC().Format(time.RFC3339Nano), "_as_of", p.AsOf.UTC().Format(time.RFC3339Nano))
	n := 0
	for id, m := range p.Members {
		if !worthKeeping(m) {
			continue
		}
		pipe.HSet(ctx, key, id, encode(m))
		if n++; n%pipeChunk == 0 {
			if _, err := pipe.Exec(ctx); err != nil {
				return err
			}
		}
	}
	if _, err := pipe.Exec(ctx); err != nil {
		return err
	}
	if err := fenced(switchScript.Run(ctx, c.rdb, []string{c.projKey("lease"), c.projKey("gen")}, strconv.FormatInt(token, 10), next).Err()); err != nil {
		c.rdb.Unlink(ctx, key)
		return err
	}
	if oldErr == nil && old != strconv.FormatInt(next, 10) {
		c.rdb.Unlink(ctx, c.projKey(old))
	}
	return nil
}

// LookupProjection implements payouts.ProjectionCache: the current projection for ids, nil
// before the first one was published.
func (c *Cache) LookupProjection(ctx context.Context, ids []string) (*payouts.Projection, error) {
	gen, err := c.rdb.Get(ctx, c.projKey("gen")).Result()
	if err == redis.Nil {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	vals, err := c.rdb.HMGet(ctx, c.projKey(gen), append([]string{"_period_end", "_as_of"}, ids...)...).Result()
	if err != nil {
		return nil, err
	}
	at := func(v any) time.Time {
		s, _ := v.(string)
		t, _ := time.Parse(time.RFC3339Nano, s)
		return t
	}
	out := &payouts.Projection{PeriodEnd: at(vals[0]), AsOf: at(vals[1]), Members: make(map[string]*payouts.Projected, len(ids))}
	for i, id := range ids {
		s, _ := vals[2+i].(string)
		if p, ok := decode(s); ok {
			out.Members[id] = p
		} else {
			out.Members[id] = &payouts.Projected{} // nothing to show this period
		}
	}
	return out, nil
}
