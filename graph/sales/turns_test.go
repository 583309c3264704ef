package sales

import (
	"context"
	"fmt"
	"reflect"
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

// countTx counts the transactions a batch is written in.
type countTx struct {
	*memSales
	txs atomic.Int32
}

func (c *countTx) InVendorTx(ctx context.Context, vendorID string, signups bool, fn func(IngestTx) error) error {
	c.txs.Add(1)
	return c.memSales.InVendorTx(ctx, vendorID, signups, fn)
}

// While people use the API a vendor's batch is written BusyPart events a transaction, in order:
// each part sees what the parts before it accepted, so every event is decided as it is when the
// batch is written whole (a repeated id across parts is still a duplicate); while nobody does, in
// one transaction.
func TestIngestBatchWrittenInPartsWhilePeopleUseTheAPI(t *testing.T) {
	body := batch(
		ev("e1", EventCustomerSignup, t0, `{"customer_id":"c-1","name":"Mia","email":"mia@example.com","sponsor_id":"ana"}`),
		ev("e2", EventCustomerSignup, t0, `{"customer_id":"c-2","name":"Noa","email":"noa@example.com","sponsor_id":"ana"}`),
		ev("e3", EventCustomerSignup, t0, `{"customer_id":"c-1","name":"Mia","email":"mia@example.com","sponsor_id":"bo"}`),
		ev("e1", EventCustomerSignup, t0, `{"customer_id":"c-3","name":"Ola","email":"ola@example.com","sponsor_id":"ana"}`),
		ev("e4", EventCustomerSignup, t0, `{"customer_id":"","name":"Pia","email":"pia@example.com","sponsor_id":"ana"}`),
	)
	run := func(busy bool) ([]EventResult, int32) {
		var fg graph.Foreground
		_, ingest, st, c := services()
		ct := &countTx{memSales: st}
		ingest.Store, ingest.Turns, ingest.BusyPart = ct, graph.NewTurns(&fg, 0, 1, 0), 2
		c.t = t0.Add(time.Hour)
		st.members["ana"] = MemberInfo{ID: "ana", Plan: "consultant", Email: "ana@example.com"}
		st.members["bo"] = MemberInfo{ID: "bo", Plan: "consultant", Email: "bo@example.com"}
		st.vendors["solar"] = &Vendor{ID: "solar", Active: true}
		if busy {
			defer fg.Enter()()
		}
		res, err := ingest.Ingest(context.Background(), "solar", body)
		if err != nil {
			t.Fatal(err)
		}
		return res.Results, ct.txs.Load()
	}
	whole, txs := run(false)
	if txs != 1 {
		t.Fatalf("nobody using the API: %d transactions, want 1", txs)
	}
	want := []string{"accepted", "accepted", "rejected", "duplicate", "rejected"}
	for i, r := range whole {
		if r.Status != want[i] {
			t.Fatalf("whole batch: event %d is %s (%+v), want %s", i, r.Status, r, want[i])
		}
	}
	parts, txs := run(true)
	if txs != 3 {
		t.Fatalf("while people use the API: %d transactions for 5 events, want 3 of at most 2", txs)
	}
	if !reflect.DeepEqual(parts, whole) {
		t.Fatalf("in parts:\n%+v\nwhole:\n%+v", parts, whole)
	}
}

// The same batch sent by many vendors' clients at once while people use the API, written in
// parts: every event is accepted exactly once, each part deciding under the vendor's lock.
func TestConcurrentBatchesInPartsAcceptEachEventOnce(t *testing.T) {
	var fg graph.Foreground
	defer fg.Enter()()
	_, ingest, st, c := services()
	ct := &countTx{memSales: st}
	ingest.Store, ingest.Turns, ingest.BusyPart = ct, graph.NewTurns(&fg, 0, 8, 0), 3
	c.t = t0.Add(time.Hour)
	st.members["ana"] = MemberInfo{ID: "ana", Plan: "consultant", Email: "ana@example.com"}
	st.vendors["solar"] = &Vendor{ID: "solar", Active: true}
	var evs []string
	for i := range 10 {
		evs = append(evs, ev(fmt.Sprint("e", i), EventCustomerSignup, t0,
			fmt.Sprintf(`{"customer_id":"c-%d","name":"Mia","email":"mia-%d@example.com","sponsor_id":"ana"}`, i, i)))
	}
	body := batch(evs...)
	var mu sync.Mutex
	accepted := map[string]int{}
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res, err := ingest.Ingest(context.Background(), "solar", body)
			if err != nil {
				t.Error(err)
				return
			}
			mu.Lock()
			defer mu.Unlock()
			for _, r := range res.Results {
				switch r.Status {
				case "accepted":
					accepted[r.ID]++
				case "duplicate":
				default:
					t.Errorf("unexpected %+v", r)
				}
			}
		}()
	}
	wg.Wait()
	if n := ct.txs.Load(); n != 8*4 {
		t.Fatalf("%d transactions, want 4 parts of at most 3 for each of 8 batches", n)
	}
	if len(accepted) != 10 {
		t.Fatalf("accepted ids: %d, want 10", len(accepted))
	}
	for id, n := range accepted {
		if n != 1 {
			t.Errorf("%s accepted %d times", id, n)
		}
	}
}
