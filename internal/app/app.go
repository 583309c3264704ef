// Package app is Halo's one composition root: it builds every service and background worker
// from the configuration, the Neo4j store, the Redis cache and a logger. `halod serve`, the
// operator subcommands and the API tests all build Halo here, and nothing is wired afterwards.
package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/halo-oss/halo/api"
	"github.com/halo-oss/halo/cache"
	"github.com/halo-oss/halo/engine"
	"github.com/halo-oss/halo/graph"
	"github.com/halo-oss/halo/graph/billing"
	"github.com/halo-oss/halo/graph/compliance"
	"github.com/halo-oss/halo/graph/dashboards"
	"github.com/halo-oss/halo/graph/field"
	"github.com/halo-oss/halo/graph/genealogy"
	"github.com/halo-oss/halo/graph/identity"
	"github.com/halo-oss/halo/graph/payouts"
	"github.com/halo-oss/halo/graph/platform"
	"github.com/halo-oss/halo/graph/sales"
	"github.com/halo-oss/halo/internal/notify"
	"github.com/halo-oss/halo/internal/stripepay"
	"github.com/halo-oss/halo/internal/webhook"
	"github.com/halo-oss/halo/store"
	"github.com/halo-oss/halo/web"
)

// Notifier delivers what Halo tells people: password resets and changes to their
// registrations for webinars and events.
type Notifier interface {
	identity.Notifier
	field.Notifier
}

// Deps are the adapters Halo runs on.
type Deps struct {
	Store *store.Store
	Cache *cache.Cache
	Log   *slog.Logger
	// Notifier defaults to the log notifier (development, or operators relaying by hand).
	Notifier Notifier
}

// App is Halo, built: its services and background workers.
type App struct {
	Config *Config
	Plan   *engine.Config
	Deps   Deps
	Log    *slog.Logger

	// Foreground counts the API's requests under way; the projection's whole reloads and the analysts'
	// earnings give way to them (HALO_BACKGROUND_GIVE_WAY).
	Foreground *graph.Foreground

	Audit     *graph.Auditor
	Bootstrap *platform.Bootstrap
	Health    *platform.HealthService
	Auth      *identity.AuthService
	Resets    *identity.ResetService
	Members   *genealogy.MemberService
	Imports   *genealogy.ImportService
	Access    *genealogy.Access
	Holdings  *sales.HoldingsService
	Vendors   *sales.VendorService
	Ingest    *sales.IngestService
	Referrals *sales.ReferralService
	Outbox    *sales.Outbox
	// Compliance keeps tax profiles, payout methods, KYC and holds, and clears withdrawals.
	Compliance *compliance.Service
	Batches    *payouts.BatchService
	Billing    *billing.Service
	Payouts    *payouts.PayoutService
	Counters   *payouts.LiveCounters
	// HousekeepingEvery is how often the housekeeping lease holder looks (default 30 s).
	HousekeepingEvery time.Duration
	Projector         *payouts.Projector
	Wallets           *payouts.WalletService
	Content           *field.ContentService
	Field             field.Services
	Dashboards        *dashboards.DashboardService

	booted atomic.Pointer[error] // nil until start-up work finished
	// leased is the background work that holds a lease in Redis: Close waits for it to hand
	// its lease back before closing the client, so a successor takes over at once.
	leased sync.WaitGroup
}

// New builds every service from cfg, the plan and the adapters.
func New(cfg *Config, plan *engine.Config, d Deps) *App {
	st, log := d.Store, d.Log
	notifier := d.Notifier
	if notifier == nil {
		notifier = notify.Log{Log: log}
	}
	secret := []byte(cfg.SecretKey)
	a := &App{Config: cfg, Plan: plan, Deps: d, Log: log}
	a.Audit = &graph.Auditor{Log: st, Now: time.Now, Slog: log}
	root := plan.Rule(engine.PlanConsultantPlus)
	a.Bootstrap = &platform.Bootstrap{Store: st, AdminEmail: cfg.AdminEmail, AdminPassword: cfg.AdminPassword, Log: log,
		Root:     platform.RootSpec{ID: cfg.RootID, Name: "Company", Email: cfg.RootEmail, RegisteredAt: cfg.RootRegisteredAt},
		RootPack: platform.PlanPack{Plan: engine.PlanConsultantPlus.String(), Price: root.Price.String(), BV: root.BV.String()}}
	a.Foreground = &graph.Foreground{}
	a.Health = &platform.HealthService{Graph: st, Cache: d.Cache, Ready: a.ready}
	// Login and self-registration limits count in Redis: N replicas allow what one does.
	limiter := &identity.LoginLimiter{PerAccount: cfg.LoginFailures, PerIP: cfg.LoginFailuresPerIP, Shared: d.Cache}
	// A signed-in request asks Redis whether its account's sessions changed, and Neo4j only then.
	sessions := &identity.SessionCheck{Sessions: st, Tags: d.Cache, Log: log}
	a.Auth = &identity.AuthService{Accounts: st, Tokens: identity.NewTokenSigner(secret, cfg.TokenTTL), Sessions: sessions, Limiter: limiter}
	a.Resets = &identity.ResetService{Accounts: st, Store: st, Sessions: sessions, Notifier: notifier, Now: time.Now, Limiter: limiter, Log: log}
	a.Members = &genealogy.MemberService{Store: st, StatusStore: st, RefundStore: st, LegStore: st, Plan: plan, Now: time.Now, RootID: cfg.RootID, Audit: a.Audit, Limiter: limiter}
	a.Imports = &genealogy.ImportService{Store: st, Plan: plan, Now: time.Now, Log: log, BatchSize: cfg.ImportBatch, Audit: a.Audit}
	a.Access = &genealogy.Access{Store: st}
	box := sales.NewSecretBox(secret)
	a.Holdings = &sales.HoldingsService{Store: st}
	a.Vendors = &sales.VendorService{Store: st, Box: box, Now: time.Now, Audit: a.Audit}
	a.Ingest = &sales.IngestService{Store: st, Box: box, Now: time.Now, Log: log, Turns: graph.NewTurns(a.Foreground, cfg.IngestAtOnce, cfg.IngestAtOnceBusy, cfg.IngestGiveWay),
		BusyPart: cfg.IngestBusyPart}
	guard, err := webhook.ParseAllow(cfg.WebhookAllow)
	if err != nil {
		guard = &webhook.Guard{} // LoadConfig refuses a bad allowlist; a hand-made Config gets none
		log.Warn("HALO_WEBHOOK_ALLOW ignored", "error", err)
	}
	a.Outbox = &sales.Outbox{Store: st, Sender: webhook.NewSender(guard), Box: box, Audit: a.Audit, Now: time.Now, Log: log,
		Workers: cfg.OutboxWorkers, Timeout: cfg.WebhookTimeout, MaxAttempts: cfg.WebhookMaxAttempts, Backoff: cfg.WebhookBackoff, BackoffMax: cfg.WebhookBackoffMax}
	a.Referrals = &sales.ReferralService{Store: st, Guard: guard, Audit: a.Audit, Now: time.Now, Outbox: a.Outbox, ConsentText: cfg.ConsentText}
	a.Counters = &payouts.LiveCounters{Feed: st, Cache: d.Cache, Log: log, Foreground: a.Foreground, GiveWay: cfg.GiveWay}
	a.Payouts = &payouts.PayoutService{Store: st, Plan: plan, Now: time.Now, Log: log, AfterCommit: a.Counters.Invalidate, Audit: a.Audit, Signal: d.Cache,
		Foreground: a.Foreground, GiveWay: cfg.GiveWay}
	// One projection and one counter writer for the whole deployment, however many replicas run.
	a.Projector = &payouts.Projector{Payouts: a.Payouts, Log: log, Interval: cfg.ProjectionInterval, FullEvery: cfg.ProjectionReload, Shared: d.Cache}
	// What is accepted here is projected at once, not at the next poll.
	a.Ingest.Accepted, a.Members.Accepted, a.Imports.Accepted = a.Projector.Accepted, a.Projector.Accepted, a.Projector.Accepted
	// A status change or a refund moves attribution and open volume (PLAN.md §10, §11).
	a.Members.AfterChange = func(movesVolume bool) {
		if movesVolume {
			a.Counters.Invalidate()
		}
		a.Projector.Stale()
	}
	a.Compliance = &compliance.Service{Store: st, Box: graph.NewSecretBox(secret, "halo tax and bank data encryption v1"), Audit: a.Audit, Now: time.Now,
		Policy: cfg.WithdrawalPolicy, Reports: st, Disclosures: st, Ranks: plan.RankNames(), RootID: cfg.RootID, Thresholds: cfg.Thresholds1099, Payer: compliance.Payer{Name: cfg.PayerName, TIN: cfg.PayerTIN, Address: cfg.PayerAddress}}
	a.Wallets = &payouts.WalletService{Store: st, Members: st, Audit: a.Audit, Now: time.Now, MinWithdrawal: cfg.MinWithdrawal, Gate: a.Compliance}
	ach := cfg.ACH
	if ach.ODFI == "" {
		ach = payouts.DemoACH // a configuration made by hand (tests) names none
	}
	a.Batches = &payouts.BatchService{Store: st, Banks: a.Compliance, ACH: ach, Audit: a.Audit, Now: time.Now}
	a.Billing = &billing.Service{Store: st, Members: a.Members, Plan: plan, Audit: a.Audit, Now: time.Now, Currency: cfg.Currency}
	if cfg.Stripe.SecretKey != "" {
		a.Billing.Provider = stripepay.New(cfg.Stripe)
	}
	a.Content = &field.ContentService{Store: st, Members: st, Audit: a.Audit, Now: time.Now}
	a.Field = field.New(field.Deps{Store: st, Members: st, Audit: a.Audit, Now: time.Now, Log: log, Notifier: notifier, JoinWindow: cfg.JoinWindow})
	a.Dashboards = &dashboards.DashboardService{Store: st, Plan: plan, Members: a.Members, Trees: a.Members, Customers: st, Runs: st, Health: a.Health,
		Now: time.Now, Consultants: st, Counters: a.Counters, Projector: a.Projector, Referrals: a.Referrals, Log: log}
	pending := errors.New("migrations and bootstrap have not run yet")
	a.booted.Store(&pending)
	return a
}

// Open connects to Neo4j and Redis as cfg says and builds Halo over them.
func Open(cfg *Config, log *slog.Logger) (*App, error) {
	plan, err := LoadPlan(cfg.PlanConfig)
	if err != nil {
		return nil, err
	}
	st, err := store.New(store.Config{URI: cfg.Neo4jURI, User: cfg.Neo4jUser, Password: cfg.Neo4jPassword}, log)
	if err != nil {
		return nil, err
	}
	c := cache.New(cache.Config{Addr: cfg.RedisAddr, Addrs: cfg.RedisAddrs, Cluster: cfg.RedisCluster, MasterName: cfg.RedisMaster,
		Password: cfg.RedisPassword, SentinelPassword: cfg.RedisSentinelPassword})
	return New(cfg, plan, Deps{Store: st, Cache: c, Log: log}), nil
}

// Close releases the connections of an opened App.
func (a *App) Close(ctx context.Context) {
	a.Resets.Settle()
	handedBack := make(chan struct{})
	go func() { a.leased.Wait(); close(handedBack) }()
	select {
	case <-handedBack:
	case <-ctx.Done():
		a.Log.Warn("stopping before the background work handed its leases back; another replica takes them over when they expire")
	}
	_ = a.Deps.Cache.Close()
	_ = a.Deps.Store.Close(ctx)
}

// LoadPlan reads HALO_PLAN_CONFIG over PLAN.md's defaults ("" means the defaults).
func LoadPlan(path string) (*engine.Config, error) {
	if path == "" {
		return engine.DefaultConfig(), nil
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("HALO_PLAN_CONFIG: %w", err)
	}
	return engine.ParseConfig(data)
}

// API is the HTTP API over the services.
func (a *App) API() *api.Server {
	return &api.Server{Log: a.Log, Foreground: a.Foreground, Reads: graph.NewAdmission(a.Config.ReadsAtOnce, a.Config.ReadWait), TrustedProxies: a.Config.TrustedProxies, ReadTimeout: a.Config.ReadTimeout, Health: a.Health, Auth: a.Auth, Resets: a.Resets, Members: a.Members, Holdings: a.Holdings,
		Imports: a.Imports, Vendors: a.Vendors, Ingest: a.Ingest, Referrals: a.Referrals, Outbox: a.Outbox, Compliance: a.Compliance, Batches: a.Batches, Billing: a.Billing, Payouts: a.Payouts, Wallets: a.Wallets,
		Audit: a.Audit, Access: a.Access, Dashboards: a.Dashboards, Content: a.Content,
		Schedule: a.Field.Schedule, Registrations: a.Field.Registrations, Attendance: a.Field.Attendance, Onboarding: a.Field.Onboarding, UI: web.Files()}
}

// Prepare does the start-up work once: migrations, the first admin and the root, the
// recovery of imports and commits a crash interrupted, and the planning of the API's most
// frequent reads (store.WarmPlans). With HALO_WARMUP, readiness waits for Start's warmUp too.
func (a *App) Prepare(ctx context.Context) error {
	err := a.Bootstrap.Run(ctx)
	if err == nil {
		err = a.Imports.RecoverInterrupted(ctx)
	}
	if err == nil {
		err = a.Payouts.ResumeInterrupted(ctx)
	}
	if err == nil {
		// Not a reason to stay unready: without the plans the first requests are slower.
		t0 := time.Now()
		if werr := a.Deps.Store.WarmPlans(ctx, time.Now()); werr != nil {
			a.Log.Warn("planning the API's frequent reads failed; the first requests will plan them", "error", werr)
		} else {
			a.Log.Info("the API's frequent reads are planned", "elapsed", time.Since(t0).Round(time.Millisecond))
		}
	}

	if err != nil {
		e := errors.New("bootstrap pending: " + graph.AsError(err).Message)
		a.booted.Store(&e)
		return err
	}
	if a.Config.WarmUp > 0 {
		warming := errors.New("warming up: the background workers' first rounds, then Neo4j serving the API's frequent reads for some members (HALO_WARMUP)")
		a.booted.Store(&warming) // Start reports ready after warmUp
		return nil
	}
	a.booted.Store(nil)
	return nil
}

// warmUp is what halod does between its bootstrap and reporting ready, each of its two steps
// bounded by HALO_WARMUP. First the background workers' first rounds: a holder's counter
// takeover or rebuild and its projection's reload. Measured in issue #19 at 200,000
// consultants on a Neo4j just started, those two beside the first dashboards made them wait
// 0.5–1.8 s for five seconds and 40–60 ms for ten more; held back, 4 ms. Then Neo4j serves the
// frequent reads until they stop getting faster (dashboards.WarmUp). A replica whose leases
// another holds has no first-round work, and a Neo4j already warm settles in 32 rounds.
func (a *App) warmUp(ctx context.Context) {
	t0 := time.Now()
	bound := time.NewTimer(a.Config.WarmUp)
	defer bound.Stop()
	firsts := []struct {
		name string
		done <-chan struct{}
	}{{"live counters", a.Counters.FirstRound.Done()}, {"earnings projection", a.Projector.FirstRound.Done()}}
	for _, f := range firsts {
		select {
		case <-f.done:
			continue
		case <-bound.C:
			a.Log.Warn("a background worker's first round outlasted HALO_WARMUP; warming up beside it", "worker", f.name, "elapsed", time.Since(t0).Round(time.Millisecond))
		case <-ctx.Done():
			return
		}
		break
	}
	a.Log.Info("the background workers' first rounds are done", "elapsed", time.Since(t0).Round(time.Millisecond))
	w := &dashboards.WarmUp{Sample: a.Deps.Store, Dashboards: a.Dashboards, Sessions: a.Deps.Store, Max: a.Config.WarmUp}
	rep, err := w.Run(ctx)
	switch {
	case err != nil:
		a.Log.Warn("warming Neo4j up failed; serving anyway", "error", err, "elapsed", rep.Elapsed.Round(time.Millisecond))
	case rep.Reads > 0:
		a.Log.Info("Neo4j is warmed up", "reads", rep.Reads, "elapsed", rep.Elapsed.Round(time.Millisecond), "settled", rep.Settled,
			"first_round_median", rep.Medians[0].Round(time.Microsecond), "last_round_median", rep.Medians[len(rep.Medians)-1].Round(time.Microsecond))
		a.Log.Debug("warm-up rounds", "medians", rep.Medians)
	}
}

func (a *App) ready() error {
	if e := a.booted.Load(); e != nil {
		return *e
	}
	return nil
}

// Start retries the start-up work until Neo4j answers (readiness says "starting" meanwhile),
// then runs the background workers until ctx ends: the live counters' rollup, pruning of
// superseded drafts, the earnings projection, and adding new placements to leg counts.
func (a *App) Start(ctx context.Context) {
	for delay := 500 * time.Millisecond; ; delay = min(delay*2, 10*time.Second) {
		err := a.Prepare(ctx)
		if err == nil {
			break
		}
		a.Log.Warn("bootstrap failed, retrying", "error", err, "retry_in", delay)
		select {
		case <-ctx.Done():
			return
		case <-time.After(delay):
		}
	}
	a.Log.Info("bootstrap complete")
	a.leased.Go(func() { a.Counters.Run(ctx) })
	a.leased.Go(func() { a.Projector.Run(ctx) })
	a.leased.Go(func() { a.housekeeping(ctx) })
	go a.Outbox.Run(ctx)
	go a.Members.RunLegCounts(ctx, a.Log, a.Config.LegCountInterval)
	if a.Config.WarmUp > 0 {
		a.warmUp(ctx)
		if ctx.Err() == nil {
			a.booted.Store(nil)
			a.Log.Info("ready")
		}
	}
}

// housekeeping is the work one replica does for the deployment, every HousekeepingEvery while
// it holds the lease (another takes over within the TTL when it dies): roll back imports whose
// writer died and finish commits whose committer died (both beat while they work, so a long
// import or commit on another replica is left alone), start writing analysts' earnings a crash
// or a yield left unwritten, prune superseded drafts. Every step is
// idempotent, so a former holder finishing one late changes nothing.
func (a *App) housekeeping(ctx context.Context) {
	every := a.HousekeepingEvery
	if every == 0 {
		every = 30 * time.Second
	}
	holder := graph.InstanceName()
	defer func() {
		rctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		_ = a.Deps.Cache.JobsRelease(rctx, holder)
	}()
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		if token, err := a.Deps.Cache.JobsLease(ctx, holder, 3*every); err == nil && token != 0 {
			if err := a.Imports.RecoverInterrupted(ctx); err != nil && ctx.Err() == nil {
				a.Log.Warn("housekeeping: import recovery failed; retried", "error", err)
			}
			if err := a.Payouts.ResumeInterrupted(ctx); err != nil && ctx.Err() == nil {
				a.Log.Warn("housekeeping: commit recovery failed; retried", "error", err)
			}
			a.Payouts.WriteEarningsInBackground(ctx)
			a.Payouts.Prune(ctx)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
