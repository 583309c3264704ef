// Package cache is the Redis side of Halo: hot counters for the open period. Redis is a cache
// only — everything in it can be rebuilt from Neo4j — so its failures degrade, never lose data.
package cache

import (
	"context"
	"time"

	"github.com/redis/go-redis/v9"
)

// Config locates Redis.
type Config struct {
	Addr     string
	Password string
	DB       int
	Prefix   string // key prefix, so stacks can share a server
}

// Cache wraps a Redis client.
type Cache struct {
	rdb    *redis.Client
	prefix string
}

// New creates the client; it connects on use, so a Redis that is down at start-up is fine.
func New(cfg Config) *Cache {
	rdb := redis.NewClient(&redis.Options{
		Addr: cfg.Addr, Password: cfg.Password, DB: cfg.DB,
		DialTimeout: time.Second, ReadTimeout: 2 * time.Second, WriteTimeout: 2 * time.Second,
		MaxRetries: 1,
	})
	p := cfg.Prefix
	if p == "" {
		p = "halo:"
	}
	return &Cache{rdb: rdb, prefix: p}
}

// Ping implements graph.Pinger.
func (c *Cache) Ping(ctx context.Context) error { return c.rdb.Ping(ctx).Err() }

// Close closes the client.
func (c *Cache) Close() error { return c.rdb.Close() }
