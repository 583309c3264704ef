package platform

import (
	"context"
	"time"

	"github.com/halo-oss/halo/graph"
)

// Check is the state of one backing service.
type Check struct {
	Status string `json:"status"` // up | down
	Error  string `json:"error,omitempty"`
}

// Readiness answers /readyz: Neo4j is required (nothing is served without it); Redis is a cache
// Halo can serve without, so its absence only degrades.
type Readiness struct {
	Status string           `json:"status"` // ok | degraded | unavailable
	Checks map[string]Check `json:"checks"`
}

// HealthService checks the backing services.
type HealthService struct {
	Graph graph.Pinger
	Cache graph.Pinger
	// Ready reports start-up work (migrations, bootstrap) that must finish before serving.
	Ready   func() error
	Timeout time.Duration
}

// Readiness pings every service concurrently within the timeout.
func (h *HealthService) Readiness(ctx context.Context) Readiness {
	timeout := h.Timeout
	if timeout == 0 {
		timeout = 2 * time.Second
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	type res struct {
		name string
		err  error
	}
	ch := make(chan res, 2)
	go func() { ch <- res{"neo4j", h.Graph.Ping(ctx)} }()
	go func() { ch <- res{"redis", h.Cache.Ping(ctx)} }()
	r := Readiness{Status: "ok", Checks: map[string]Check{}}
	for i := 0; i < 2; i++ {
		x := <-ch
		if x.err != nil {
			r.Checks[x.name] = Check{Status: "down", Error: x.name + " is unreachable"}
		} else {
			r.Checks[x.name] = Check{Status: "up"}
		}
	}
	if r.Checks["neo4j"].Status == "up" && h.Ready != nil {
		if err := h.Ready(); err != nil {
			r.Checks["neo4j"] = Check{Status: "starting", Error: err.Error()}
		}
	}
	switch {
	case r.Checks["neo4j"].Status != "up":
		r.Status = "unavailable"
	case r.Checks["redis"].Status != "up":
		r.Status = "degraded"
	}
	return r
}
