package engine_test

import (
	"fmt"
	"os"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/halo-oss/halo/engine"
	"github.com/halo-oss/halo/engine/gen"
)

// BenchmarkRunMillion is the yardstick: 1,000,000 consultants, 1,000,000 customers and
// 2,000,000 sales in one period, with an extreme-left chain 100,000 deep. Run it with
// `GOMEMLIMIT=3GiB go test ./engine -run '^$' -bench RunMillion -benchtime 3x -cpu 1` (make bench-engine),
// the soft memory limit halod runs with.
func BenchmarkRunMillion(b *testing.B) {
	nw := gen.Build(gen.Spec{Seed: 42, Consultants: 1_000_000, Customers: 1_000_000, Sales: 2_000_000, ChainDepth: 100_000})
	runtime.GC()
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	b.ReportAllocs()
	b.ResetTimer()
	var lines int
	start := time.Now()
	for i := 0; i < b.N; i++ {
		res, err := engine.Run(nw.Input)
		if err != nil {
			b.Fatal(err)
		}
		lines = res.Len()
	}
	el := time.Since(start)
	b.StopTimer()
	var after runtime.MemStats
	runtime.ReadMemStats(&after)
	b.ReportMetric(float64(el.Nanoseconds())/float64(b.N)/2_000_000, "ns/member")
	b.ReportMetric(float64(lines), "lines")
	b.ReportMetric(float64(after.TotalAlloc-before.TotalAlloc)/float64(b.N)/(1<<20), "MiB-alloc/run")
	b.ReportMetric(float64(peakRSS())/(1<<20), "MiB-peak-rss")
}

// BenchmarkRunMillionLifecycle is the same network with PLAN.md §10–§11 at work: 1% of the
// consultants terminated (their members rolled up, chains of terminated sponsors included),
// 1% suspended, and 10,000 packs refunded (half void, half clawed back).
func BenchmarkRunMillionLifecycle(b *testing.B) {
	nw := gen.Build(gen.Spec{Seed: 42, Consultants: 1_000_000, Customers: 1_000_000, Sales: 2_000_000, ChainDepth: 100_000})
	in := nw.Input
	at := in.End.Add(-time.Hour)
	for i, m := range in.Members {
		if !m.Plan.IsConsultant() || m.Sponsor == "" {
			continue
		}
		switch i % 100 {
		case 7:
			in.StatusEvents = append(in.StatusEvents, engine.StatusEvent{Member: m.ID, Status: engine.StatusTerminated, At: at, Seq: int64(i)})
		case 13:
			in.StatusEvents = append(in.StatusEvents, engine.StatusEvent{Member: m.ID, Status: engine.StatusSuspended, At: at, Seq: int64(i)})
		}
	}
	for i, sl := range in.Sales {
		if sl.Kind != engine.SalePack || len(in.Refunds) == 10_000 || i%7 != 0 {
			continue
		}
		f := engine.Refund{ID: "ref-" + sl.ID, Sale: sl.ID, OccurredAt: at, SaleAccounted: sl.Accounted}
		if sl.Accounted {
			f.Paid = []engine.PaidLine{{ID: "l-" + sl.ID, Member: in.Members[0].ID, Type: engine.LineDirect, Amount: 990}}
		}
		in.Refunds = append(in.Refunds, f)
	}
	runtime.GC()
	b.ReportAllocs()
	b.ResetTimer()
	var lines int
	start := time.Now()
	for i := 0; i < b.N; i++ {
		res, err := engine.Run(in)
		if err != nil {
			b.Fatal(err)
		}
		lines = res.Len()
	}
	b.ReportMetric(float64(time.Since(start).Nanoseconds())/float64(b.N)/2_000_000, "ns/member")
	b.ReportMetric(float64(lines), "lines")
	b.ReportMetric(float64(len(in.StatusEvents)), "status-events")
	b.ReportMetric(float64(len(in.Refunds)), "refunds")
}

// peakRSS is the process's high-water resident set (input network included), from Linux.
func peakRSS() int64 {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, ln := range strings.Split(string(data), "\n") {
		if strings.HasPrefix(ln, "VmHWM:") {
			var kb int64
			fmt.Sscanf(strings.TrimSpace(strings.TrimPrefix(ln, "VmHWM:")), "%d", &kb)
			return kb << 10
		}
	}
	return 0
}
