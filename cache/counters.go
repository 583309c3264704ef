package cache

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/halo-oss/halo/graph/payouts"
)

// Counters live in one Redis hash per generation, in exact integer hundredths (HINCRBY, never
// HINCRBYFLOAT): fields "<member>|pv", "<member>|l", "<member>|r"; for a long left leg
// (payouts.PathSum) the nodes of its sums, "<top>|s<node>", and each marked member's
// "<member>|lp", "<top>|<first node>". A rebuild fills a new generation and then switches the
// pointer, so readers never see a half-built set.
//
// Any number of halod replicas share them, and exactly one writes: the holder of the counters'
// lease. Every write carries the lease's fencing token and is refused once the token is no
// longer current, so a holder that paused (a GC stop, a frozen VM) and lost the lease can never
// count a change twice after another replica took over and rebuilt. All the keys carry the hash
// tag {vol}: in a Redis Cluster they share one slot, and the scripts' multi-key checks are legal.

func (c *Cache) genKey() string   { return c.key("vol", "gen") }
func (c *Cache) leaseKey() string { return c.key("vol", "lease") }
func (c *Cache) wantKey() string  { return c.key("vol", "want") }
func (c *Cache) volKey(gen int64) string {
	return c.key("vol", strconv.FormatInt(gen, 10))
}

// seenKey holds, per generation, the changes counted at or after its cursor (id → acceptance
// time in Unix nanoseconds); the cursor and the rebuilds the generation answers are the
// fields "_cursor" and "_served" of its hash (no counter field is without a "|").
func (c *Cache) seenKey(gen int64) string {
	return c.key("vol", strconv.FormatInt(gen, 10)+":seen")
}

// pendingKey holds, per generation, the increments staged with a tick's progress and not yet
// applied to its hash (applyScript, drainScript).
func (c *Cache) pendingKey(gen int64) string {
	return c.key("vol", strconv.FormatInt(gen, 10)+":pending")
}

func (c *Cache) currentGen(ctx context.Context) (int64, bool, error) {
	g, err := c.rdb.Get(ctx, c.genKey()).Int64()
	if err == redis.Nil {
		return 0, false, nil
	}
	return g, err == nil, err
}

// Generation implements payouts.CounterCache: ok is false when Redis lost the counters.
func (c *Cache) Generation(ctx context.Context) (int64, bool, error) {
	return c.currentGen(ctx)
}

// leaseScript takes or renews the lease: the holder keeps its token while it renews; a new holder
// gets the next token of a counter that never goes back. 0 means someone else holds it.
var leaseScript = redis.NewScript(`
local h = redis.call('HGET', KEYS[1], 'holder')
if h == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return tonumber(redis.call('HGET', KEYS[1], 'token'))
end
if h then return 0 end
local t = redis.call('INCR', KEYS[2])
redis.call('HSET', KEYS[1], 'holder', ARGV[1], 'token', t)
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return t`)

var releaseScript = redis.NewScript(`
if redis.call('HGET', KEYS[1], 'holder') == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`)

// lease takes or renews the lease of the work under tag ({vol} the counters, {proj} the
// projection): one lease per kind of work that must run once in the deployment.
func (c *Cache) lease(ctx context.Context, tag, holder string, ttl time.Duration) (int64, error) {
	return leaseScript.Run(ctx, c.rdb, []string{c.key(tag, "lease"), c.key(tag, "fence")}, holder, ttl.Milliseconds()).Int64()
}

func (c *Cache) release(ctx context.Context, tag, holder string) error {
	return releaseScript.Run(ctx, c.rdb, []string{c.key(tag, "lease")}, holder).Err()
}

// Lease implements payouts.CounterCache.
func (c *Cache) Lease(ctx context.Context, holder string, ttl time.Duration) (int64, error) {
	return c.lease(ctx, "vol", holder, ttl)
}

// Release implements payouts.CounterCache: a holder that stops hands over at once.
func (c *Cache) Release(ctx context.Context, holder string) error {
	return c.release(ctx, "vol", holder)
}

// RequestRebuild implements payouts.CounterCache: any replica may ask; the holder rebuilds.
func (c *Cache) RequestRebuild(ctx context.Context) (int64, error) {
	return c.rdb.Incr(ctx, c.wantKey()).Result()
}

// Requested implements payouts.CounterCache: how many rebuilds were asked for so far.
func (c *Cache) Requested(ctx context.Context) (int64, error) {
	n, err := c.rdb.Get(ctx, c.wantKey()).Int64()
	if err == redis.Nil {
		return 0, nil
	}
	return n, err
}

// applyScript writes to a generation only while the token is the lease's and the generation is
// still the current one: KEYS lease, gen pointer, the generation's hash, its seen ids, its
// pending increments; ARGV the token, the generation, what to do, then its arguments: "stage"
// chunks of increments (incChunks), "mark" field/value pairs of the counters (marks are set,
// not added: setting one twice is harmless), "seen" id/time pairs, "forget" ids, "cursor" the
// time. One tick's calls run in one MULTI/EXEC: the lease cannot move between them, so they
// all apply or none does.
//
// The increments are staged there, not applied: a sale deep in the placement tree moves the leg
// volume of every placement ancestor, so a second's tick at 1M consultants beside ingest wrote
// 50,000–100,000 fields, and applied inside the transaction they held Redis for up to 0.36 s a
// second while every dashboard's read of its counters and projection waited (issue #19). Staged,
// they are a few list pushes; drainScript then applies them a chunk at a time.
var applyScript = redis.NewScript(`
if redis.call('HGET', KEYS[1], 'token') ~= ARGV[1] then return redis.error_reply('FENCED') end
if redis.call('GET', KEYS[2]) ~= ARGV[2] then return redis.error_reply('STALEGEN') end
local op = ARGV[3]
if op == 'stage' then
  redis.call('RPUSH', KEYS[5], unpack(ARGV, 4))
elseif op == 'mark' then
  for i = 4, #ARGV, 2 do redis.call('HSET', KEYS[3], ARGV[i], ARGV[i + 1]) end
elseif op == 'seen' then
  for i = 4, #ARGV, 2 do redis.call('HSET', KEYS[4], ARGV[i], ARGV[i + 1]) end
elseif op == 'forget' then
  for i = 4, #ARGV do redis.call('HDEL', KEYS[4], ARGV[i]) end
elseif op == 'cursor' then
  redis.call('HSET', KEYS[3], '_cursor', ARGV[4])
end
return 1`)

// switchScript makes a filled generation current, only for the lease's current token.
var switchScript = redis.NewScript(`
if redis.call('HGET', KEYS[1], 'token') ~= ARGV[1] then return redis.error_reply('FENCED') end
redis.call('SET', KEYS[2], ARGV[2])
return 1`)

// drainScript applies the oldest staged chunk of increments and drops it, in one step, for the
// lease's current holder: KEYS as applyScript's; ARGV the token, the generation, then the
// chunk's id (the holder that staged it) or nothing (a successor applying what a former holder
// staged). It returns 0 once none is left. The id is checked against the chunk popped, so a
// chunk is applied once whichever path applies it. The pairs are read from the chunk itself:
// sent again as arguments they were a quarter of what halod allocated beside a stream of
// sales at 1M, so its collector ran more often beside the dashboards (issue #19).
var drainScript = redis.NewScript(`
if redis.call('HGET', KEYS[1], 'token') ~= ARGV[1] then return redis.error_reply('FENCED') end
if redis.call('GET', KEYS[2]) ~= ARGV[2] then return redis.error_reply('STALEGEN') end
local c = redis.call('LPOP', KEYS[5])
if not c then return 0 end
if #ARGV > 2 then
  local head = '["' .. ARGV[3] .. '"'
  if string.sub(c, 1, #head) ~= head then
    redis.call('LPUSH', KEYS[5], c)
    return redis.error_reply('CHUNK')
  end
end
local xs = cjson.decode(c)
for i = 2, #xs, 2 do redis.call('HINCRBY', KEYS[3], xs[i], xs[i + 1]) end
return 1`)

const pipeChunk = 5000

// incPairs is the increments one drainScript call applies: a few milliseconds of Redis, so a
// dashboard's read waits at most that long behind the counters.
const incPairs = 1000

// stageChunks is the most chunks one "stage" call pushes (Lua's stack bounds unpack).
const stageChunks = 200

// incChunk is one chunk of a tick's increments: its id and, as staged, a JSON array of the id
// and the field and value strings (cjson reads it; strings, so no value passes through a float).
type incChunk struct {
	id     string
	staged []byte // handed to Redis as it is: a string of it was a copy of every chunk
}

// incChunks cuts the increments into chunks of about incPairs pairs, with ids unique to the
// tick (tick: the token and the tick's cursor), each written straight into its JSON: a tick at
// 1M beside a stream of sales has tens of thousands of pairs (issue #19). Each chunk has a
// buffer of its own, sized from the one before.
func incChunks(tick string, r payouts.Rollup) []incChunk {
	var out []incChunk
	var b []byte
	var chunk string
	size := incPairs * 32 // an id of about 12 bytes, its suffix, an increment and the quotes
	n := 0
	increments(r, func(id, suffix string, node int32, v int64) bool {
		if n == 0 {
			chunk = tick + ":" + strconv.Itoa(len(out))
			b = appendJSONString(append(make([]byte, 0, size), '['), chunk)
		}
		// The field is the id and a plain suffix ("|l", or "|s" and the node), inside the id's
		// closing quote.
		b = appendJSONString(append(b, ','), id)
		b = append(b[:len(b)-1], suffix...)
		if node > 0 {
			b = strconv.AppendInt(b, int64(node), 10)
		}
		b = append(b, '"')
		b = append(strconv.AppendInt(append(b, ',', '"'), v, 10), '"')
		if n++; n == incPairs {
			b = append(b, ']')
			size = max(size, len(b)+len(b)/16)
			out = append(out, incChunk{id: chunk, staged: b})
			n = 0
		}
		return true
	})
	if n > 0 {
		out = append(out, incChunk{id: chunk, staged: append(b, ']')})
	}
	return out
}

// appendJSONString appends s as a JSON string: member ids are plain ASCII (graph.ValidID), so
// quoting is the common case and anything else goes through encoding/json.
func appendJSONString(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c > 0x7e || c == '"' || c == '\\' {
			q, _ := json.Marshal(s)
			return append(b, q...)
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}

// increments hands f each counter field's id, suffix (and node, for a leg's sums: "|s12" is
// the suffix "|s" and node 12) and increment: a consultant's personal volume ("|pv"), each leg
// volume that moved ("|l", "|r") and each node of a long left leg's sums that moved. It stops
// when f returns false.
func increments(r payouts.Rollup, f func(id, suffix string, node int32, v int64) bool) {
	for id, v := range r.PV {
		if !f(id, "|pv", 0, v) {
			return
		}
	}
	for _, lr := range r.Legs {
		if lr.Left != 0 && !f(lr.ID, "|l", 0, lr.Left) {
			return
		}
		if lr.Right != 0 && !f(lr.ID, "|r", 0, lr.Right) {
			return
		}
	}
	for _, s := range r.Sums {
		if !f(s.Top, "|s", s.Node, s.V) {
			return
		}
	}
}

// field is a counter's field: the id and its suffix, and for a leg's sums the node.
func field(id, suffix string, node int32) string {
	if node > 0 {
		return id + suffix + strconv.Itoa(int(node))
	}
	return id + suffix
}

// markPairs hands the marks' field/value pairs to chunk, pipeChunk pairs at a time.
func markPairs(marks []payouts.PathMark, chunk func(pairs []any) error) error {
	for i := 0; i < len(marks); i += pipeChunk {
		part := marks[i:min(i+pipeChunk, len(marks))]
		pairs := make([]any, 0, 2*len(part))
		for _, m := range part {
			pairs = append(pairs, m.ID+"|lp", m.Top+"|"+strconv.Itoa(int(m.First)))
		}
		if err := chunk(pairs); err != nil {
			return err
		}
	}
	return nil
}

// fields hands the counters' field/increment pairs to chunk, n pairs at a time (the slice is
// reused after chunk returns).
func fields(r payouts.Rollup, n int, chunk func([]any) error) error {
	args := make([]any, 0, 2*n)
	var err error
	increments(r, func(id, suffix string, node int32, v int64) bool {
		if args = append(args, field(id, suffix, node), v); len(args) == 2*n {
			err, args = chunk(args), args[:0]
		}
		return err == nil
	})
	if err == nil && len(args) > 0 {
		err = chunk(args)
	}
	return err
}

func fenced(err error) error {
	if err == nil {
		return nil
	}
	// Redis prefixes a script's error reply with ERR when it carries no code of its own.
	switch strings.TrimPrefix(err.Error(), "ERR ") {
	case "FENCED":
		return payouts.ErrFenced
	case "STALEGEN":
		return errNoCounters
	}
	return err
}

// seenPairs hands the counted ids and their times to chunk, pipeChunk pairs at a time.
func seenPairs(counted map[string]time.Time, chunk func(pairs []any)) {
	args := make([]any, 0, 2*pipeChunk)
	for id, at := range counted {
		if args = append(args, id, at.UnixNano()); len(args) >= 2*pipeChunk {
			chunk(args)
			args = make([]any, 0, 2*pipeChunk)
		}
	}
	if len(args) > 0 {
		chunk(args)
	}
}

// progressArgs turns p into the applyScript calls that record it, in chunks.
func progressArgs(p payouts.Progress, call func(op string, args []any)) {
	seenPairs(p.Counted, func(pairs []any) { call("seen", pairs) })
	for i := 0; i < len(p.Forgot); i += 2 * pipeChunk {
		part := make([]any, 0, 2*pipeChunk)
		for _, id := range p.Forgot[i:min(i+2*pipeChunk, len(p.Forgot))] {
			part = append(part, id)
		}
		call("forget", part)
	}
	call("cursor", []any{p.Cursor.UnixNano()})
}

// Apply implements payouts.CounterCache: adds to the current counters and records p with them,
// fenced by token, in one transaction.
func (c *Cache) Apply(ctx context.Context, token int64, r payouts.Rollup, p payouts.Progress) error {
	g, ok, err := c.currentGen(ctx)
	if err != nil {
		return err
	}
	if !ok {
		return errNoCounters
	}
	keys := []string{c.leaseKey(), c.genKey(), c.volKey(g), c.seenKey(g), c.pendingKey(g)}
	tok, gen := strconv.FormatInt(token, 10), strconv.FormatInt(g, 10)
	var calls [][]any
	call := func(op string, args []any) { calls = append(calls, append([]any{tok, gen, op}, args...)) }
	// First what a former holder staged and did not apply (rare: it stopped in between).
	if err := c.drain(ctx, keys, tok, gen, nil); err != nil {
		return err
	}
	chunks := incChunks(tok+":"+strconv.FormatInt(p.Cursor.UnixNano(), 10), r)
	// The marks go in with the progress, before the increments are drained: a member is marked
	// by the rollup that first reaches it, so no reader sees the sums grow for a member whose
	// mark it cannot see yet.
	_ = markPairs(r.Marks, func(pairs []any) error { call("mark", pairs); return nil })
	for i := 0; i < len(chunks); i += stageChunks {
		part := make([]any, 0, stageChunks)
		for _, ch := range chunks[i:min(i+stageChunks, len(chunks))] {
			part = append(part, ch.staged)
		}
		call("stage", part)
	}
	progressArgs(p, call)
	// EVAL, not EVALSHA: inside MULTI a missing script cannot be loaded and retried.
	_, err = c.rdb.TxPipelined(ctx, func(pipe redis.Pipeliner) error {
		for _, args := range calls {
			applyScript.Eval(ctx, pipe, keys, args...)
		}
		return nil
	})
	if err != nil {
		return fenced(err)
	}
	if c.afterStage != nil {
		c.afterStage()
	}
	for _, ch := range chunks {
		if err := c.drain(ctx, keys, tok, gen, &ch); err != nil {
			return err
		}
	}
	return nil
}

// drain applies one staged chunk, ch, which must be the oldest; or, with ch nil, every chunk
// staged (by a former holder).
func (c *Cache) drain(ctx context.Context, keys []string, tok, gen string, ch *incChunk) error {
	if ch != nil {
		return fenced(drainScript.Run(ctx, c.rdb, keys, tok, gen, ch.id).Err())
	}
	for {
		more, err := drainScript.Run(ctx, c.rdb, keys, tok, gen).Int64()
		if err != nil || more == 0 {
			return fenced(err)
		}
	}
}

// Resume implements payouts.CounterCache.
func (c *Cache) Resume(ctx context.Context) (int64, *payouts.Progress, error) {
	g, ok, err := c.currentGen(ctx)
	if err != nil || !ok {
		return 0, nil, err
	}
	vals, err := c.rdb.HMGet(ctx, c.volKey(g), "_cursor", "_served").Result()
	if err != nil {
		return 0, nil, err
	}
	cur, _ := vals[0].(string)
	served, _ := vals[1].(string)
	if cur == "" || served == "" {
		return g, nil, nil
	}
	p := &payouts.Progress{Counted: map[string]time.Time{}}
	ns, err := strconv.ParseInt(cur, 10, 64)
	if err != nil {
		return g, nil, nil
	}
	p.Cursor = time.Unix(0, ns).UTC()
	if p.Served, err = strconv.ParseInt(served, 10, 64); err != nil {
		return g, nil, nil
	}
	seen, err := c.rdb.HGetAll(ctx, c.seenKey(g)).Result()
	if err != nil {
		return 0, nil, err
	}
	for id, v := range seen {
		ns, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return g, nil, nil
		}
		p.Counted[id] = time.Unix(0, ns).UTC()
	}
	return g, p, nil
}

type cacheErr string

func (e cacheErr) Error() string { return string(e) }

const errNoCounters = cacheErr("redis holds no counters (lost or never built)")

// Replace implements payouts.CounterCache: fills a new generation, then switches to it if token
// is still the lease's (a holder that lost the lease meanwhile fills a hash nobody reads).
func (c *Cache) Replace(ctx context.Context, token int64, r payouts.Rollup, p payouts.Progress) (int64, error) {
	old, hadOld, err := c.currentGen(ctx)
	if err != nil {
		return 0, err
	}
	next, err := c.rdb.Incr(ctx, c.key("vol", "seq")).Result()
	if err != nil {
		return 0, err
	}
	key, seenKey := c.volKey(next), c.seenKey(next)
	if err := c.rdb.Del(ctx, key, seenKey, c.pendingKey(next)).Err(); err != nil {
		return 0, err
	}
	pipeFill := func(pairs []any) error {
		pipe := c.rdb.Pipeline()
		for i := 0; i < len(pairs); i += 2 {
			pipe.HIncrBy(ctx, key, pairs[i].(string), pairs[i+1].(int64))
		}
		_, err := pipe.Exec(ctx)
		return err
	}
	if err := fields(r, pipeChunk, pipeFill); err != nil {
		return 0, err
	}
	if err := markPairs(r.Marks, func(pairs []any) error { return c.rdb.HSet(ctx, key, pairs...).Err() }); err != nil {
		return 0, err
	}
	var seenErr error
	seenPairs(p.Counted, func(pairs []any) {
		if seenErr == nil {
			seenErr = c.rdb.HSet(ctx, seenKey, pairs...).Err()
		}
	})
	if seenErr != nil {
		return 0, seenErr
	}
	// An empty period still needs its generation to exist.
	if err := c.rdb.HSet(ctx, key, "_built", 1, "_cursor", p.Cursor.UnixNano(), "_served", p.Served).Err(); err != nil {
		return 0, err
	}
	if err := fenced(switchScript.Run(ctx, c.rdb, []string{c.leaseKey(), c.genKey()}, strconv.FormatInt(token, 10), next).Err()); err != nil {
		c.rdb.Unlink(ctx, key, seenKey)
		return 0, err
	}
	if hadOld && old != next {
		c.rdb.Unlink(ctx, c.volKey(old), c.seenKey(old), c.pendingKey(old))
	}
	return next, nil
}

// Read implements payouts.CounterCache.
//
// A dashboard reads its consultant's counters on every request, so the generation this process
// last read is guessed: its hash is read in the same round trip as the current generation, and
// read again only when the generation moved (a rebuild or a commit; issue #19).
func (c *Cache) Read(ctx context.Context, ids []string) (map[string]payouts.Counters, error) {
	fields := make([]string, 0, 4*len(ids))
	for _, id := range ids {
		fields = append(fields, id+"|pv", id+"|l", id+"|r", id+"|lp")
	}
	g, vals, err := c.readVolumes(ctx, fields)
	if err != nil {
		return nil, err
	}
	out := make(map[string]payouts.Counters, len(ids))
	var sums []string
	// A member marked on a long left leg: its nodes of the leg's sums are sums[lo:hi].
	type span struct {
		id     string
		lo, hi int
	}
	var marked []span
	for i, id := range ids {
		if _, dup := out[id]; dup {
			continue
		}
		out[id] = payouts.Counters{MemberID: id, PV: num(vals[4*i]), Left: num(vals[4*i+1]), Right: num(vals[4*i+2])}
		lp, _ := vals[4*i+3].(string)
		k := strings.LastIndexByte(lp, '|')
		first, err := strconv.ParseInt(lp[k+1:], 10, 32)
		if k <= 0 || err != nil {
			continue
		}
		lo := len(sums)
		for _, n := range payouts.PathSumNodes(int32(first)) {
			sums = append(sums, field(lp[:k], "|s", n))
		}
		marked = append(marked, span{id, lo, len(sums)})
	}
	if len(marked) == 0 {
		return out, nil
	}
	// A marked member's left leg volume is its own counter (what was counted before it was
	// marked) and its nodes of its leg's sums, read from the same generation.
	svals, err := c.rdb.HMGet(ctx, c.volKey(g), sums...).Result()
	if err != nil {
		return nil, err
	}
	for _, m := range marked {
		cs := out[m.id]
		for _, v := range svals[m.lo:m.hi] {
			cs.Left += num(v)
		}
		out[m.id] = cs
	}
	return out, nil
}

func num(v any) int64 {
	s, _ := v.(string)
	n, _ := strconv.ParseInt(s, 10, 64)
	return n
}

// readVolumes reads fields from the current generation's counters, and says which it was.
func (c *Cache) readVolumes(ctx context.Context, fields []string) (int64, []any, error) {
	if last := c.lastGen.Load(); last != 0 {
		pipe := c.rdb.Pipeline()
		gen := pipe.Get(ctx, c.genKey())
		vol := pipe.HMGet(ctx, c.volKey(last), fields...)
		_, _ = pipe.Exec(ctx) // each command's own error is read below
		g, err := gen.Int64()
		switch {
		case err == redis.Nil:
			return 0, nil, errNoCounters
		case err != nil:
			return 0, nil, err
		case g == last:
			vals, err := vol.Result()
			return g, vals, err
		}
	}
	g, ok, err := c.currentGen(ctx)
	if err != nil {
		return 0, nil, err
	}
	if !ok {
		return 0, nil, errNoCounters
	}
	c.lastGen.Store(g)
	vals, err := c.rdb.HMGet(ctx, c.volKey(g), fields...).Result()
	return g, vals, err
}

// FlushForTests empties this cache's keys (integration tests only), on every primary of a Cluster.
func (c *Cache) FlushForTests(ctx context.Context) error {
	flush := func(ctx context.Context, rdb redis.UniversalClient) error {
		iter := rdb.Scan(ctx, 0, c.prefix+"*", 1000).Iterator()
		for iter.Next(ctx) {
			if err := rdb.Del(ctx, iter.Val()).Err(); err != nil {
				return err
			}
		}
		return iter.Err()
	}
	if cl, ok := c.rdb.(*redis.ClusterClient); ok {
		return cl.ForEachMaster(ctx, func(ctx context.Context, n *redis.Client) error { return flush(ctx, n) })
	}
	return flush(ctx, c.rdb)
}

// CounterLeaseHolder names the replica that holds the counters' lease ("" when none does), for
// operators and tests.
func (c *Cache) CounterLeaseHolder(ctx context.Context) (string, error) {
	h, err := c.rdb.HGet(ctx, c.leaseKey(), "holder").Result()
	if err == redis.Nil {
		return "", nil
	}
	return h, err
}

// JobsLease takes or renews the lease of the deployment's housekeeping (recovery of what a dead
// replica left half-done, pruning): one replica does it at a time.
func (c *Cache) JobsLease(ctx context.Context, holder string, ttl time.Duration) (int64, error) {
	return c.lease(ctx, "jobs", holder, ttl)
}

// JobsRelease hands the housekeeping lease back.
func (c *Cache) JobsRelease(ctx context.Context, holder string) error {
	return c.release(ctx, "jobs", holder)
}
