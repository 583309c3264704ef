package main

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
)

// procCPU is what a process's threads did with the CPU so far: ran, and waited runnable for
// a core that others held (Linux's /proc/PID/task/TID/schedstat, in nanoseconds).
type procCPU struct{ ran, waited int64 }

// readThreads reads the schedstat of every thread under taskDir (/proc/PID/task), by thread id.
// A thread that ended between the listing and its read is left out.
func readThreads(taskDir string) (map[string]procCPU, error) {
	ents, err := os.ReadDir(taskDir)
	if err != nil {
		return nil, err
	}
	ts := make(map[string]procCPU, len(ents))
	for _, e := range ents {
		b, err := os.ReadFile(filepath.Join(taskDir, e.Name(), "schedstat"))
		if err != nil {
			continue
		}
		f := strings.Fields(string(b))
		if len(f) < 2 {
			continue
		}
		ran, err1 := strconv.ParseInt(f[0], 10, 64)
		waited, err2 := strconv.ParseInt(f[1], 10, 64)
		if err1 == nil && err2 == nil {
			ts[e.Name()] = procCPU{ran, waited}
		}
	}
	return ts, nil
}

// since is what the threads of now did since before: a thread new since then counts whole,
// one that ended counts no more (so a process's figures never go back).
func since(before, now map[string]procCPU) procCPU {
	var d procCPU
	for tid, c := range now {
		b := before[tid]
		d.ran += c.ran - b.ran
		d.waited += c.waited - b.waited
	}
	return d
}

// cpuWatch samples the named processes every tick for d (Linux): per tick and process a line
// "unix_ms name ran_ms waited_ms", then per process the mean and the worst ticks. A tick where
// a process's threads together waited longer than the tick lasted is a stall for it: it had
// work and no core (issue #19: in the dashboards' stalls beside full ingest Neo4j waited
// 69–204 ms per 50 ms, README Performance, thirty-sixth session).
func cpuWatch(procs []string, tick, d time.Duration) {
	type proc struct {
		name, dir string
		last      map[string]procCPU
		waits     []int64
		ran       int64
	}
	var ps []*proc
	for _, p := range procs {
		name, pid, ok := strings.Cut(p, "=")
		if !ok {
			fatal(fmt.Errorf("cpu: -p wants name=pid pairs, got %q", p))
		}
		ps = append(ps, &proc{name: name, dir: filepath.Join("/proc", pid, "task")})
	}
	for _, p := range ps {
		ts, err := readThreads(p.dir)
		if err != nil {
			fatal(fmt.Errorf("cpu: %s: %w", p.name, err))
		}
		p.last = ts
	}
	t := time.NewTicker(tick)
	defer t.Stop()
	for end := time.Now().Add(d); time.Now().Before(end); {
		now := <-t.C
		for _, p := range ps {
			ts, err := readThreads(p.dir)
			if err != nil {
				continue // the process ended
			}
			delta := since(p.last, ts)
			p.last = ts
			p.ran += delta.ran
			p.waits = append(p.waits, delta.waited)
			fmt.Printf("%d %s %.1f %.1f\n", now.UnixMilli(), p.name, float64(delta.ran)/1e6, float64(delta.waited)/1e6)
		}
	}
	for _, p := range ps {
		n := len(p.waits)
		if n == 0 {
			continue
		}
		w := slices.Clone(p.waits)
		slices.Sort(w)
		var sum int64
		stalls := 0
		for _, x := range w {
			sum += x
			if x > tick.Nanoseconds() {
				stalls++
			}
		}
		fmt.Printf("%s: %.2f cores ran, waited %.1f ms per %v (p99 %.1f ms, max %.1f ms), %d of %d ticks waited longer than a tick\n",
			p.name, float64(p.ran)/float64(int64(n)*tick.Nanoseconds()), float64(sum)/float64(n)/1e6, tick,
			float64(w[(n-1)*99/100])/1e6, float64(w[n-1])/1e6, stalls, n)
	}
}
