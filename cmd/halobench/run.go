package main

import (
	"bufio"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
)

// payoutRun times one payout run through the API as an admin does it: a draft for periodEnd,
// then its commit (issue #19: draft + commit at 1M). With pid, halod's resident memory is
// sampled every second and its peak reported beside the kernel's high-water mark.
func payoutRun(c *client, periodEnd string, commit bool, pid int) {
	var peak atomic.Int64
	stop := make(chan struct{})
	if pid > 0 {
		go func() {
			t := time.NewTicker(time.Second)
			defer t.Stop()
			for {
				if kb := statusKB(pid, "VmRSS"); kb > peak.Load() {
					peak.Store(kb)
				}
				select {
				case <-stop:
					return
				case <-t.C:
				}
			}
		}()
	}
	var run struct {
		ID     string         `json:"id"`
		Status string         `json:"status"`
		Totals map[string]any `json:"totals"`
	}
	t0 := time.Now()
	if _, err := c.json("POST", "/api/v1/payout-runs", map[string]string{"period_end": periodEnd}, &run); err != nil {
		fatal(err)
	}
	drafted := time.Since(t0)
	lines, _ := run.Totals["lines"].(float64)
	fmt.Printf("draft %s: %.1f s, %.0f lines, total %v\n", run.ID, drafted.Seconds(), lines, run.Totals["total"])
	var committed time.Duration
	if commit {
		t1 := time.Now()
		if _, err := c.json("POST", "/api/v1/payout-runs/"+run.ID+"/commit", nil, &run); err != nil {
			fatal(err)
		}
		committed = time.Since(t1)
		fmt.Printf("commit %s: %.1f s, %s\n", run.ID, committed.Seconds(), run.Status)
	}
	close(stop)
	fmt.Printf("draft + commit: %.1f s\n", (drafted + committed).Seconds())
	if pid > 0 {
		fmt.Printf("halod resident: peak %.2f GB sampled each second, %.2f GB high-water mark over its life (VmHWM)\n",
			float64(peak.Load())*1024/1e9, float64(statusKB(pid, "VmHWM"))*1024/1e9)
	}
	fmt.Println("halod's log gives the parts: \"payout draft\" (load, compute, write), \"draft written\" (statements, freeze), \"commit applied\" (freeze)")
}

// statusKB reads a "<key>: <n> kB" line of /proc/<pid>/status; 0 if there is none.
func statusKB(pid int, key string) int64 {
	f, err := os.Open("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), key+":"); ok {
			n, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			return n
		}
	}
	return 0
}
