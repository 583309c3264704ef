package sales

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"sort"
	"strconv"
	"sync"
	"time"

	"github.com/halo-oss/halo/graph"
)

// Delivery states of the referral outbox.
const (
	DeliveryPending   = "pending"   // waiting for its (next) attempt
	DeliveryDelivered = "delivered" // the vendor answered 2xx, or pulled it
	DeliveryDead      = "dead"      // dead-lettered after MaxAttempts; an admin may redeliver
	DeliveryPull      = "pull"      // the vendor has no webhook: it pulls
)

// Delivery is an outbox row: one referral to one vendor, and how its delivery went.
type Delivery struct {
	ID          string     `json:"id"`
	VendorID    string     `json:"vendor_id"`
	ReferralID  string     `json:"referral_id"`
	State       string     `json:"state"`
	Attempts    int64      `json:"attempts"`
	NextAt      *time.Time `json:"next_attempt_at,omitempty"`
	LastError   string     `json:"last_error,omitempty"`
	CreatedAt   time.Time  `json:"created_at"`
	DeliveredAt *time.Time `json:"delivered_at,omitempty"`
	Via         string     `json:"via,omitempty"`
	Body        string     `json:"-"`
	Claim       string     `json:"-"`
	WebhookURL  string     `json:"-"` // where a claimed delivery goes ("" once the vendor switched to pulling)
}

// Attempt is one try at a delivery (the per-attempt delivery log).
type Attempt struct {
	N          int64     `json:"n"`
	At         time.Time `json:"at"`
	Status     int       `json:"status_code,omitempty"` // the vendor's HTTP status; 0 when none came
	Error      string    `json:"error,omitempty"`
	DurationMS int64     `json:"duration_ms"`
	Outcome    string    `json:"outcome"` // delivered | retry | dead
}

// DeliveryDetail is a delivery with its attempt log.
type DeliveryDetail struct {
	Delivery
	Log []Attempt `json:"attempts_log"`
}

// DeliveryOutcome is what an attempt ended with, written back under the claim.
type DeliveryOutcome struct {
	ID, Claim, ReferralID string
	Attempt               Attempt
	State                 string // delivered | pending | dead
	NextAt                time.Time
}

// VendorHealth is the admin's view of a vendor's outbox.
type VendorHealth struct {
	VendorID         string     `json:"vendor_id"`
	Pending          int64      `json:"pending"`   // not yet tried
	Retrying         int64      `json:"retrying"`  // tried and failed, another attempt planned
	Dead             int64      `json:"dead"`      // dead-lettered
	Delivered        int64      `json:"delivered"` // by webhook or pull
	AwaitingPull     int64      `json:"awaiting_pull"`
	OldestPendingAt  *time.Time `json:"oldest_pending_at,omitempty"`
	LatencyP50MS     int64      `json:"latency_p50_ms"` // created → delivered, deliveries of the last 24 hours
	LatencyP95MS     int64      `json:"latency_p95_ms"`
	DeliveredLast24h int64      `json:"delivered_last_24h"`
	WebhookURL       string     `json:"webhook_url,omitempty"`
	Paused           bool       `json:"paused"`
	Latencies        []int64    `json:"-"` // from the store: milliseconds of each delivery in the window
}

// DeliveryFilter selects deliveries for the admin's list.
type DeliveryFilter struct{ VendorID, State string }

// OutboxStore is the durable outbox.
type OutboxStore interface {
	// ClaimDeliveries takes up to n pending deliveries due by now, serialized among replicas, and
	// hides them until leaseUntil (a claimer that dies releases them by the lease running out);
	// each comes with its vendor's webhook URL as it is now.
	ClaimDeliveries(ctx context.Context, now, leaseUntil time.Time, claim string, n int) ([]Delivery, error)
	// FinishDelivery records the attempt; the state changes only while the claim is still the
	// delivery's (a success always counts). A delivered referral moves from submitted to delivered.
	FinishDelivery(ctx context.Context, o DeliveryOutcome) error
	Redeliver(ctx context.Context, id string, now time.Time) (*Delivery, error)
	Delivery(ctx context.Context, id string) (*DeliveryDetail, error)
	Deliveries(ctx context.Context, f DeliveryFilter, offset, limit int) ([]Delivery, bool, error)
	DeliveryHealth(ctx context.Context, since time.Time) ([]VendorHealth, error)
	VendorSecrets(ctx context.Context, id string) (*VendorSecrets, error)
}

// WebhookSender POSTs a signed body; it dials only addresses the SSRF guard allows.
type WebhookSender interface {
	Send(ctx context.Context, url string, headers map[string]string, body []byte) (status int, err error)
}

// Outbox delivers referrals to vendors' webhooks, at least once: every delivery is a row written
// with its referral; workers claim due rows, sign and POST them, and write back the outcome. A
// failure is retried with exponential backoff and jitter; after MaxAttempts the row is
// dead-lettered until an admin redelivers it. Every replica may run one; claims never overlap.
type Outbox struct {
	Store  OutboxStore
	Sender WebhookSender
	Box    *SecretBox
	Audit  *graph.Auditor
	Now    func() time.Time
	Log    *slog.Logger

	Workers     int           // concurrent POSTs (default 16)
	Batch       int           // rows per claim (default 64)
	Poll        time.Duration // how often to look without a kick (default 1 s)
	Timeout     time.Duration // one attempt's limit (default 10 s)
	MaxAttempts int           // then dead-lettered (default 10)
	Backoff     time.Duration // the first retry's delay, doubled each time (default 10 s)
	BackoffMax  time.Duration // the longest delay (default 1 h)

	once    sync.Once
	kick    chan struct{}
	secrets sync.Map // vendor id → cachedSecret
}

type cachedSecret struct {
	secret string
	until  time.Time
}

func (o *Outbox) init() {
	o.once.Do(func() {
		o.kick = make(chan struct{}, 1)
		if o.Workers <= 0 {
			o.Workers = 16
		}
		if o.Batch <= 0 {
			o.Batch = 64
		}
		if o.Poll <= 0 {
			o.Poll = time.Second
		}
		if o.Timeout <= 0 {
			o.Timeout = 10 * time.Second
		}
		if o.MaxAttempts <= 0 {
			o.MaxAttempts = 10
		}
		if o.Backoff <= 0 {
			o.Backoff = 10 * time.Second
		}
		if o.BackoffMax <= 0 {
			o.BackoffMax = time.Hour
		}
	})
}

// Kick wakes the deliverer now (a referral was just written).
func (o *Outbox) Kick() {
	o.init()
	select {
	case o.kick <- struct{}{}:
	default:
	}
}

// RetryDelay is the wait before attempt n+1 after n failed attempts: Backoff·2^(n-1), at most
// BackoffMax, less up to a fifth at random so a vendor's recovering endpoint is not hit by every
// retry at once.
func (o *Outbox) RetryDelay(n int) time.Duration {
	o.init()
	d := o.Backoff
	for i := 1; i < n && d < o.BackoffMax; i++ {
		d *= 2
	}
	d = min(d, o.BackoffMax)
	return d - time.Duration(rand.Int64N(int64(d)/5+1))
}

// Run delivers until ctx ends.
func (o *Outbox) Run(ctx context.Context) {
	o.init()
	for ctx.Err() == nil {
		n, err := o.Once(ctx)
		if err != nil && ctx.Err() == nil {
			o.Log.Warn("referral outbox: claiming failed; retried", "error", err)
		}
		if n >= o.Batch {
			continue // more are due
		}
		select {
		case <-ctx.Done():
		case <-o.kick:
		case <-time.After(o.Poll):
		}
	}
}

// Once claims one batch of due deliveries and attempts each; it returns how many it claimed.
func (o *Outbox) Once(ctx context.Context) (int, error) {
	o.init()
	now := o.Now().UTC()
	claim := graph.NewID("claim")
	ds, err := o.Store.ClaimDeliveries(ctx, now, now.Add(o.Timeout+5*time.Second), claim, o.Batch)
	if err != nil {
		return 0, err
	}
	sem := make(chan struct{}, o.Workers)
	var wg sync.WaitGroup
	for _, d := range ds {
		wg.Add(1)
		sem <- struct{}{}
		go func(d Delivery) {
			defer func() { <-sem; wg.Done() }()
			o.attempt(ctx, d)
		}(d)
	}
	wg.Wait()
	return len(ds), nil
}

// Sign is the signature of a delivery: the inbound scheme, HMAC-SHA256 over timestamp + "." + body
// with the vendor's signing secret, so a vendor verifies Halo exactly as Halo verifies it.
func Sign(secret, timestamp string, body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(timestamp))
	m.Write([]byte("."))
	m.Write(body)
	return "sha256=" + hex.EncodeToString(m.Sum(nil))
}

func (o *Outbox) secret(ctx context.Context, vendorID string) (string, error) {
	now := o.Now()
	if c, ok := o.secrets.Load(vendorID); ok && now.Before(c.(cachedSecret).until) {
		return c.(cachedSecret).secret, nil
	}
	vs, err := o.Store.VendorSecrets(ctx, vendorID)
	if err != nil {
		return "", err
	}
	sec, err := o.Box.Open(vs.Sealed)
	if err != nil {
		return "", err
	}
	// A rotation takes effect for deliveries within 10 s.
	o.secrets.Store(vendorID, cachedSecret{secret: sec, until: now.Add(10 * time.Second)})
	return sec, nil
}

func (o *Outbox) attempt(ctx context.Context, d Delivery) {
	start := o.Now().UTC()
	out := DeliveryOutcome{ID: d.ID, Claim: d.Claim, ReferralID: d.ReferralID, Attempt: Attempt{N: d.Attempts + 1, At: start}}
	status, sendErr := 0, error(nil)
	url := d.WebhookURL
	if url == "" {
		// The vendor removed its webhook: the referral waits for its pull.
		out.State, out.Attempt.Outcome, out.Attempt.Error = DeliveryPull, DeliveryPull, "the vendor has no webhook URL: it pulls"
		o.finish(ctx, out)
		return
	}
	secret, err := o.secret(ctx, d.VendorID)
	if err != nil {
		sendErr = err
	} else {
		ts := strconv.FormatInt(start.Unix(), 10)
		body := []byte(d.Body)
		headers := map[string]string{
			"Content-Type":    "application/json",
			"X-Vendor-Id":     d.VendorID,
			"X-Timestamp":     ts,
			"X-Signature":     Sign(secret, ts, body),
			"Idempotency-Key": d.ID,
			"X-Halo-Delivery": d.ID,
			"X-Halo-Event":    "referral.created",
			"X-Halo-Attempt":  strconv.FormatInt(out.Attempt.N, 10),
		}
		actx, cancel := context.WithTimeout(ctx, o.Timeout)
		status, sendErr = o.Sender.Send(actx, url, headers, body)
		cancel()
	}
	out.Attempt.Status = status
	out.Attempt.DurationMS = o.Now().Sub(start).Milliseconds()
	switch {
	case sendErr == nil && status >= 200 && status < 300:
		out.State, out.Attempt.Outcome = DeliveryDelivered, DeliveryDelivered
	default:
		if sendErr != nil {
			msg := sendErr.Error()
			var ge *graph.Error
			if errors.As(sendErr, &ge) {
				msg = ge.Message // the kernel's words, never a driver's
			}
			out.Attempt.Error = truncate(msg, 500)
		} else {
			out.Attempt.Error = fmt.Sprintf("the vendor answered HTTP %d", status)
		}
		if out.Attempt.N >= int64(o.MaxAttempts) {
			out.State, out.Attempt.Outcome = DeliveryDead, DeliveryDead
			o.Log.Warn("referral delivery dead-lettered", "delivery", d.ID, "vendor", d.VendorID, "attempts", out.Attempt.N, "error", out.Attempt.Error)
		} else {
			out.State, out.Attempt.Outcome = DeliveryPending, "retry"
			out.NextAt = o.Now().UTC().Add(o.RetryDelay(int(out.Attempt.N)))
		}
	}
	o.finish(ctx, out)
}

func (o *Outbox) finish(ctx context.Context, out DeliveryOutcome) {
	// The outcome is written even when the caller is stopping: a delivered referral must not be
	// sent again needlessly. Should the write fail, the lease runs out and the row is retried.
	wctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	if err := o.Store.FinishDelivery(wctx, out); err != nil {
		o.Log.Warn("referral outbox: could not record an attempt; the delivery is retried after its lease", "delivery", out.ID, "error", err)
	}
}

// Redeliver puts a dead-lettered (or delivered) delivery back in the queue, due now; its attempt
// count starts again and its log is kept.
func (o *Outbox) Redeliver(ctx context.Context, id string) (*Delivery, error) {
	if !graph.ValidID(id) {
		return nil, graph.NotFound("delivery %s not found", id)
	}
	before, err := o.Store.Delivery(ctx, id)
	if err != nil {
		return nil, err
	}
	if before.State == DeliveryPull {
		return nil, graph.Conflict("delivery %s waits for the vendor's pull: the vendor has no webhook URL", id)
	}
	if before.State == DeliveryPending {
		return nil, graph.Conflict("delivery %s is already queued (attempt %d next)", id, before.Attempts+1)
	}
	d, err := o.Store.Redeliver(ctx, id, o.Now().UTC())
	if err != nil {
		return nil, err
	}
	o.Audit.Record(ctx, "referral.redeliver", "delivery", id, map[string]any{"state": before.State, "attempts": before.Attempts}, map[string]any{"state": d.State})
	o.Kick()
	return d, nil
}

// Get returns a delivery and its attempt log.
func (o *Outbox) Get(ctx context.Context, id string) (*DeliveryDetail, error) {
	if !graph.ValidID(id) {
		return nil, graph.NotFound("delivery %s not found", id)
	}
	return o.Store.Delivery(ctx, id)
}

// List pages deliveries, newest first.
func (o *Outbox) List(ctx context.Context, f DeliveryFilter, cursor string, limit int) (*graph.Page[Delivery], error) {
	switch f.State {
	case "", DeliveryPending, DeliveryDelivered, DeliveryDead, DeliveryPull:
	default:
		return nil, graph.InvalidField("state", "must be pending, delivered, dead or pull")
	}
	return graph.Paginate(cursor, limit, func(off, lim int) ([]Delivery, bool, error) {
		return o.Store.Deliveries(ctx, f, off, lim)
	})
}

// Health is the delivery health of every vendor: backlog, dead letters and latency over 24 hours.
func (o *Outbox) Health(ctx context.Context) ([]VendorHealth, error) {
	hs, err := o.Store.DeliveryHealth(ctx, o.Now().UTC().Add(-24*time.Hour))
	for i := range hs {
		h := &hs[i]
		h.DeliveredLast24h = int64(len(h.Latencies))
		h.LatencyP50MS, h.LatencyP95MS = graph.NearestRank(h.Latencies, 50), graph.NearestRank(h.Latencies, 95)
	}
	return hs, err
}

func sortItems(xs []CatalogItem) {
	sort.Slice(xs, func(i, j int) bool {
		return xs[i].Name < xs[j].Name || (xs[i].Name == xs[j].Name && xs[i].SKU < xs[j].SKU)
	})
}

func parseCursor(c string) (int64, error) {
	n, err := strconv.ParseInt(c, 10, 64)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("bad cursor")
	}
	return n, nil
}

func formatCursor(n int64) string { return strconv.FormatInt(n, 10) }
