package cache

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/halo-oss/halo/engine"
	"github.com/halo-oss/halo/graph"
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

// SignalAccepted implements payouts.AcceptedSignal: this replica accepted something the
// projection reads; every replica subscribed hears it (Redis pub/sub, fire and forget).
func (c *Cache) SignalAccepted(ctx context.Context) error {
	return c.rdb.Publish(ctx, c.projKey("accepted"), "1").Err()
}

// OnAccepted implements payouts.AcceptedSignal: fn runs for each signal until ctx ends. The
// client resubscribes by itself after Redis comes back; what was published meanwhile is lost,
// and the projector's poll covers it.
func (c *Cache) OnAccepted(ctx context.Context, fn func()) {
	sub := c.rdb.Subscribe(ctx, c.projKey("accepted"))
	defer sub.Close()
	ch := sub.Channel()
	for {
		select {
		case <-ctx.Done():
			return
		case _, ok := <-ch:
			if !ok {
				return
			}
			fn()
		}
	}
}

// figures visits what the dashboards read, in the order encode writes it: active, personal
// volume, sponsored actives, members per leg, the amount per line type and the members per
// sponsor generation.
func figures(p *payouts.Projected, put func(int64)) {
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
}

// encode writes p's figures as integers separated by commas.
func encode(p *payouts.Projected) string {
	var b strings.Builder
	figures(p, func(v int64) {
		if b.Len() > 0 {
			b.WriteByte(',')
		}
		b.WriteString(strconv.FormatInt(v, 10))
	})
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

// pubMemo is what this process last published: the generation it filled, and the fields in it
// with a hash of each one's figures, in member-id order. While that generation is still the
// current one, the next projection is published as the fields that changed (a sale moves a few
// hundred consultants' figures, not a million), found by walking both in member-id order: no
// map, and only changed figures are encoded (issue #19).
type pubMemo struct {
	mu     sync.Mutex
	gen    string
	ids    []string
	hashes []uint64
	valid  bool
	// The arrays of the publication before last, which the next delta fills again: at 1M
	// consultants each pair is 24 MB, and making them anew at every update (about one a second
	// under a stream of sales) was a quarter of what halod allocated, so the collector ran more
	// often beside the dashboards (issue #19).
	spareIDs    []string
	spareHashes []uint64
}

// keep records a publication (its caller holds mu); the arrays it replaces become the spares.
func (m *pubMemo) keep(gen string, ids []string, hashes []uint64, valid bool) {
	m.spareIDs, m.spareHashes = m.ids, m.hashes
	m.gen, m.ids, m.hashes, m.valid = gen, ids, hashes, valid
}

// spares returns the spare arrays, emptied, with room for the last publication's n fields and
// a few more. A spare without that room is made anew with more (engine.Room), so it serves
// while the network grows by that much: asking for all of that room at every call made both
// arrays anew at every update while consultants joined, 13 % of what halod allocated beside a
// stream of sales at 1M (issue #19).
func (m *pubMemo) spares(n int) ([]string, []uint64) {
	ids, hashes := m.spareIDs, m.spareHashes
	m.spareIDs, m.spareHashes = nil, nil
	need := n + n/64 + 16
	if cap(ids) < need {
		ids = make([]string, 0, engine.Room(n))
	}
	if cap(hashes) < need {
		hashes = make([]uint64, 0, engine.Room(n))
	}
	clear(ids[:cap(ids)]) // no stale id kept alive
	return ids[:0], hashes[:0]
}

// deltaScript changes fields of the current generation, only for the lease's current token and
// while that generation is still current.
var deltaScript = redis.NewScript(`
if redis.call('HGET', KEYS[1], 'token') ~= ARGV[1] then return redis.error_reply('FENCED') end
if redis.call('GET', KEYS[3]) ~= ARGV[2] then return redis.error_reply('STALEGEN') end
if ARGV[3] == 'set' then
  for i = 4, #ARGV, 2 do redis.call('HSET', KEYS[2], ARGV[i], ARGV[i+1]) end
else
  for i = 4, #ARGV do redis.call('HDEL', KEYS[2], ARGV[i]) end
end
return 1`)

// figuresHash is a hash of what encode writes, computed without writing it.
func figuresHash(p *payouts.Projected) uint64 {
	h := uint64(0x9e3779b97f4a7c15)
	figures(p, func(v int64) {
		h ^= uint64(v)
		h *= 0xff51afd7ed558ccd
		h ^= h >> 33
	})
	h *= 0xc4ceb9fe1a85ec53
	return h ^ h>>33
}

// PublishProjection implements payouts.ProjectionCache: the fields that changed since this
// process's last publication when that is still the current generation; otherwise a new
// generation, filled and then made current, only if token is still the projection lease's.
func (c *Cache) PublishProjection(ctx context.Context, token int64, p *payouts.Projection) error {
	c.pub.mu.Lock()
	defer c.pub.mu.Unlock()
	old, oldErr := c.rdb.Get(ctx, c.projKey("gen")).Result()
	if oldErr == nil && c.pub.valid && old == c.pub.gen {
		err := c.publishDelta(ctx, token, old, p)
		if err == nil || errors.Is(err, payouts.ErrFenced) {
			return err
		}
		c.pub.keep("", nil, nil, false) // in doubt: a whole generation next
		// fenced reports the script's STALEGEN (another generation became current meanwhile) as
		// errNoCounters: then a whole generation now; anything else is a failure.
		if !errors.Is(err, errNoCounters) {
			return err
		}
	}
	next, err := c.rdb.Incr(ctx, c.projKey("seq")).Result()
	if err != nil {
		return err
	}
	key := c.projKey(strconv.FormatInt(next, 10))
	ids, hashes := c.pub.spares(len(c.pub.ids))
	pipe := c.rdb.Pipeline()
	pipe.Del(ctx, key)
	pipe.HSet(ctx, key, "_period_end", p.PeriodEnd.UTC().Format(time.RFC3339Nano), "_as_of", p.AsOf.UTC().Format(time.RFC3339Nano))
	// A whole generation at 1M is about a million fields: while the dashboards read from this
	// Redis, the projection gives way between blocks (graph.GiveWay).
	pacer := graph.NewPacer(ctx)
	defer pacer.Done()
	n := 0
	var failed error
	p.Each(func(id string, m *payouts.Projected) {
		if failed != nil || !worthKeeping(m) {
			return
		}
		ids, hashes = append(ids, id), append(hashes, figuresHash(m))
		pipe.HSet(ctx, key, id, encode(m))
		if n++; n%pipeChunk == 0 {
			if _, err := pipe.Exec(ctx); err != nil {
				failed = err
				return
			}
			failed = pacer.Step(ctx)
		}
	})
	if failed != nil {
		return failed
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
	c.pub.keep(strconv.FormatInt(next, 10), ids, hashes, true)
	return nil
}

// publishDelta writes into generation gen the fields that changed, then the new as_of.
func (c *Cache) publishDelta(ctx context.Context, token int64, gen string, p *payouts.Projection) error {
	ids, hashes := c.pub.spares(len(c.pub.ids))
	keys := []string{c.projKey("lease"), c.projKey(gen), c.projKey("gen")}
	head := []any{strconv.FormatInt(token, 10), gen}
	pacer := graph.NewPacer(ctx)
	defer pacer.Done()
	run := func(op string, args []any) error {
		if err := fenced(deltaScript.Run(ctx, c.rdb, keys, append(append(append([]any{}, head...), op), args...)...).Err()); err != nil {
			return err
		}
		return pacer.Step(ctx)
	}
	const chunk = 1000
	set := make([]any, 0, 2*chunk)
	var del []any
	var failed error
	prev, was := c.pub.ids, c.pub.hashes
	j := 0
	// Both in member-id order: a field published before and no longer in the projection is
	// deleted on the way.
	p.Each(func(id string, m *payouts.Projected) {
		if failed != nil {
			return
		}
		for j < len(prev) && prev[j] < id {
			del = append(del, prev[j])
			j++
		}
		before := j < len(prev) && prev[j] == id
		var h0 uint64
		if before {
			h0 = was[j]
			j++
		}
		if !worthKeeping(m) {
			if before {
				del = append(del, id)
			}
			return
		}
		h := figuresHash(m)
		ids, hashes = append(ids, id), append(hashes, h)
		if before && h0 == h {
			return
		}
		if set = append(set, id, encode(m)); len(set) == 2*chunk {
			failed = run("set", set)
			set = set[:0]
		}
	})
	if failed != nil {
		return failed
	}
	for ; j < len(prev); j++ {
		del = append(del, prev[j])
	}
	for len(del) > 0 {
		k := min(len(del), chunk)
		if err := run("del", del[:k]); err != nil {
			return err
		}
		del = del[k:]
	}
	// The as_of last: a reader never sees it before the figures it stands for.
	set = append(set, "_period_end", p.PeriodEnd.UTC().Format(time.RFC3339Nano), "_as_of", p.AsOf.UTC().Format(time.RFC3339Nano))
	if err := run("set", set); err != nil {
		return err
	}
	c.pub.keep(gen, ids, hashes, true)
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

// Payout runs under way anywhere in the deployment, so the projection's holder (perhaps another
// replica) steps aside: a sorted set of run markers scored by when they lapse, renewed while the
// run lasts. A replica that dies mid-run leaves a marker that lapses by itself.

// AnnounceRun implements payouts.RunSignal.
func (c *Cache) AnnounceRun(ctx context.Context, marker string, ttl time.Duration) error {
	return c.rdb.ZAdd(ctx, c.projKey("runs"), redis.Z{Score: float64(time.Now().Add(ttl).UnixMilli()), Member: marker}).Err()
}

// EndRun implements payouts.RunSignal.
func (c *Cache) EndRun(ctx context.Context, marker string) error {
	return c.rdb.ZRem(ctx, c.projKey("runs"), marker).Err()
}

// RunsUnderway implements payouts.RunSignal.
func (c *Cache) RunsUnderway(ctx context.Context) (bool, error) {
	n, err := c.rdb.ZCount(ctx, c.projKey("runs"), strconv.FormatInt(time.Now().UnixMilli(), 10), "+inf").Result()
	return n > 0, err
}
