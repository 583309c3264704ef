package faults

import (
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/halo-oss/halo/internal/testenv"
)

// halod says ready only after its warm-up (HALO_WARMUP): the background workers' first rounds,
// then Neo4j serving the frequent reads. Meanwhile /readyz is 503 and names the warm-up; with
// HALO_WARMUP=0 it is ready right after the bootstrap.
func TestReadyOnlyAfterTheWarmUp(t *testing.T) {
	needStack(t)
	testenv.Store(t) // a fresh graph: the bootstrap's root is the one member to sample
	bin := build(t)
	for _, tc := range []struct {
		warmUp string
		warms  bool
	}{{"10s", true}, {"0", false}} {
		h := &halod{t: t, bin: bin, addr: freePort(t), env: []string{"HALO_LOG_LEVEL=info"}}
		h.env = append(h.env, "HALO_WARMUP="+tc.warmUp)
		var mu sync.Mutex
		var starting []string
		stop := make(chan struct{})
		polled := make(chan struct{})
		go func() {
			defer close(polled)
			for {
				select {
				case <-stop:
					return
				case <-time.After(5 * time.Millisecond):
				}
				res, err := http.Get("http://" + h.addr + "/readyz")
				if err != nil {
					continue
				}
				b, _ := io.ReadAll(res.Body)
				res.Body.Close()
				if res.StatusCode == 503 {
					mu.Lock()
					starting = append(starting, string(b))
					mu.Unlock()
				}
			}
		}()
		h.start() // returns at the first 200
		close(stop)
		<-polled
		h.stop()
		log := h.log.String()
		at := func(msg string) int {
			i := strings.Index(log, msg)
			if i < 0 && tc.warms {
				t.Fatalf("HALO_WARMUP=%q: the log lacks %s:\n%s", tc.warmUp, msg, log)
			}
			return i
		}
		boot, first, warm, ready := at(`msg="bootstrap complete"`), at(`msg="the background workers' first rounds are done"`), at(`msg="Neo4j is warmed up"`), at(`msg=ready`)
		warming := false
		for _, b := range starting {
			warming = warming || strings.Contains(b, "warming up")
		}
		switch {
		case tc.warms && !(boot < first && first < warm && warm < ready):
			t.Fatalf("the start-up's order: bootstrap at %d, first rounds at %d, warmed up at %d, ready at %d:\n%s", boot, first, warm, ready, log)
		case tc.warms && !warming:
			t.Fatalf("/readyz never said it was warming up before it was ready; its 503s: %q", starting)
		case !tc.warms && (warm >= 0 || warming):
			t.Fatalf("HALO_WARMUP=0 warmed up anyway:\n%s", log)
		}
	}
}
