package sales

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/halo-oss/halo/graph"
)

// overlapSales counts the batches inside InVendorTx at once, before the in-memory store's own
// lock, as Neo4j would run them side by side (one per vendor's lock).
type overlapSales struct {
	*memSales
	in, most atomic.Int32
}

func (o *overlapSales) InVendorTx(ctx context.Context, vendorID string, signups bool, fn func(IngestTx) error) error {
	now := o.in.Add(1)
	defer o.in.Add(-1)
	for m := o.most.Load(); now > m && !o.most.CompareAndSwap(m, now); m = o.most.Load() {
	}
	time.Sleep(15 * time.Millisecond)
	return o.memSales.InVendorTx(ctx, vendorID, signups, fn)
}

// Vendors' batches give way to the people using the API (graph.Turns): while a dashboard is under
// way one vendor's batch is written at a time, and every batch is still accepted.
func TestIngestBatchesTakeTurnsWhilePeopleUseTheAPI(t *testing.T) {
	run := func(turns *graph.Turns) int32 {
		_, ingest, st, c := services()
		o := &overlapSales{memSales: st}
		ingest.Store, ingest.Turns = o, turns
		c.t = t0.Add(time.Hour)
		st.members["ana"] = MemberInfo{ID: "ana", Plan: "consultant", Email: "ana@example.com"}
		for i := range 6 {
			st.vendors[fmt.Sprintf("v%d", i)] = &Vendor{ID: fmt.Sprintf("v%d", i), Active: true}
		}
		var wg sync.WaitGroup
		for i := range 6 {
			vendor := fmt.Sprintf("v%d", i)
			wg.Add(1)
			go func() {
				defer wg.Done()
				res, err := ingest.Ingest(context.Background(), vendor, batch(ev("e1", EventCustomerSignup, t0,
					fmt.Sprintf(`{"customer_id":"c-%s","name":"Mia","email":"mia-%s@example.com","sponsor_id":"ana"}`, vendor, vendor))))
				if err != nil || res.Results[0].Status != "accepted" {
					t.Errorf("vendor %s: %+v, %v", vendor, res, err)
				}
			}()
		}
		wg.Wait()
		return o.most.Load()
	}
	var fg graph.Foreground
	defer fg.Enter()()
	if most := run(nil); most < 2 {
		t.Fatalf("without turns only %d batch at once: the test cannot see turns", most)
	}
	if most := run(graph.NewTurns(&fg, 0, 1, 0)); most != 1 {
		t.Fatalf("while people use the API %d batches were written at once, want 1", most)
	}
}
