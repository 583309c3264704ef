// Package cache is the Redis side of Halo: hot counters for the open period, the deployment's
// earnings projection, leases and shared limits. Redis is a cache only — everything in it can be
// rebuilt from Neo4j — so its failures degrade, never lose data.
package cache

import (
	"context"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"
)

// Config locates Redis: one server (Addr), a Sentinel-managed primary (MasterName and the
// sentinels' addresses in Addrs), or a Cluster (Cluster, seeded by Addrs).
type Config struct {
	Addr             string
	Addrs            []string
	MasterName       string
	Cluster          bool
	Password         string
	SentinelPassword string
	DB               int
	Prefix           string // key prefix, so stacks can share a server
}

// Cache wraps a Redis client.
type Cache struct {
	rdb    redis.UniversalClient
	prefix string
	pub    pubMemo // the projection this process last published (see PublishProjection)
	// lastGen is the counters' generation this process last read (Read).
	lastGen atomic.Int64
	// afterStage, when set (tests), runs between staging a tick's counts and applying them.
	afterStage func()
}

// New creates the client; it connects on use, so a Redis that is down at start-up is fine.
func New(cfg Config) *Cache {
	addrs := cfg.Addrs
	if len(addrs) == 0 && cfg.Addr != "" {
		addrs = []string{cfg.Addr}
	}
	rdb := redis.NewUniversalClient(&redis.UniversalOptions{
		Addrs: addrs, MasterName: cfg.MasterName, IsClusterMode: cfg.Cluster && cfg.MasterName == "",
		Password: cfg.Password, SentinelPassword: cfg.SentinelPassword, DB: cfg.DB,
		DialTimeout: time.Second, ReadTimeout: 2 * time.Second, WriteTimeout: 2 * time.Second,
		MaxRetries: 1,
	})
	p := cfg.Prefix
	if p == "" {
		p = "halo:"
	}
	return &Cache{rdb: rdb, prefix: p}
}

// key names a key of one kind of data. The hash tag {tag} keeps every key of a kind in one slot
// of a Redis Cluster, so the scripts that check several of them at once stay legal there.
func (c *Cache) key(tag, name string) string { return c.prefix + "{" + tag + "}:" + name }

// Ping implements graph.Pinger.
func (c *Cache) Ping(ctx context.Context) error { return c.rdb.Ping(ctx).Err() }

// Close closes the client.
func (c *Cache) Close() error { return c.rdb.Close() }
