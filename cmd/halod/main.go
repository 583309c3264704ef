// Command halod is the Halo service and its operator tools.
//
//	halod serve               run the API (migrations and bootstrap at start-up)
//	halod migrate             apply pending schema migrations and exit
//	halod simulate FILE.json  run the compensation engine alone over a scenario, print the result
//	halod plan                print the plan configuration in force (defaults or HALO_PLAN_CONFIG)
//	halod seed-demo           create the demo catalogue and a small demo network (idempotent)
//	halod rebuild-counters    recompute the live Redis leg-volume counters from Neo4j
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"runtime/debug"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/halo-oss/halo/api"
	"github.com/halo-oss/halo/cache"
	"github.com/halo-oss/halo/engine"
	"github.com/halo-oss/halo/graph"
	"github.com/halo-oss/halo/graph/dashboards"
	"github.com/halo-oss/halo/graph/field"
	"github.com/halo-oss/halo/graph/genealogy"
	"github.com/halo-oss/halo/graph/identity"
	"github.com/halo-oss/halo/graph/payouts"
	"github.com/halo-oss/halo/graph/platform"
	"github.com/halo-oss/halo/graph/sales"
	"github.com/halo-oss/halo/internal/notify"
	"github.com/halo-oss/halo/store"
)

func main() {
	if err := run(os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "halod:", err)
		os.Exit(1)
	}
}

func run(args []string, stdout, stderr io.Writer) error {
	cmd := "serve"
	if len(args) > 0 {
		cmd, args = args[0], args[1:]
	}
	switch cmd {
	case "serve":
		return serve()
	case "migrate":
		return migrate()
	case "simulate":
		return simulate(args, stdout)
	case "plan":
		return printPlan(stdout)
	case "seed-demo":
		return seedDemo()
	case "rebuild-counters":
		return rebuildCounters()
	case "help", "-h", "--help":
		fmt.Fprintln(stdout, "usage: halod [serve|migrate|seed-demo|rebuild-counters|simulate FILE.json [--totals]|plan]")
		return nil
	}
	return fmt.Errorf("unknown command %q (try: halod help)", cmd)
}

func newLogger(c *Config) *slog.Logger {
	opts := &slog.HandlerOptions{Level: c.LogLevel}
	if c.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(os.Stderr, opts))
	}
	return slog.New(slog.NewTextHandler(os.Stderr, opts))
}

// planConfig loads HALO_PLAN_CONFIG over PLAN.md's defaults.
func planConfig(path string) (*engine.Config, error) {
	if path == "" {
		return engine.DefaultConfig(), nil
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("HALO_PLAN_CONFIG: %w", err)
	}
	return engine.ParseConfig(data)
}

type deps struct {
	cfg   *Config
	log   *slog.Logger
	plan  *engine.Config
	store *store.Store
	cache *cache.Cache
}

func open() (*deps, error) {
	cfg, err := loadConfig(time.Now())
	if err != nil {
		return nil, err
	}
	log := newLogger(cfg)
	slog.SetDefault(log)
	// A soft limit: the GC works harder near it instead of letting a million-member run's heap
	// grow to twice its live size.
	debug.SetMemoryLimit(cfg.MemoryLimit)
	plan, err := planConfig(cfg.PlanConfig)
	if err != nil {
		return nil, err
	}
	st, err := store.New(store.Config{URI: cfg.Neo4jURI, User: cfg.Neo4jUser, Password: cfg.Neo4jPassword}, log)
	if err != nil {
		return nil, err
	}
	return &deps{cfg: cfg, log: log, plan: plan, store: st, cache: cache.New(cache.Config{Addr: cfg.RedisAddr, Password: cfg.RedisPassword})}, nil
}

func (d *deps) bootstrap() *platform.Bootstrap {
	rule := d.plan.Rule(engine.PlanConsultantPlus)
	return &platform.Bootstrap{
		Store: d.store, AdminEmail: d.cfg.AdminEmail, AdminPassword: d.cfg.AdminPassword, Log: d.log,
		Root:     platform.RootSpec{ID: d.cfg.RootID, Name: "Company", Email: d.cfg.RootEmail, RegisteredAt: d.cfg.RootRegisteredAt},
		RootPack: platform.PlanPack{Plan: engine.PlanConsultantPlus.String(), Price: rule.Price.String(), BV: rule.BV.String()},
	}
}

func (d *deps) members() *genealogy.MemberService {
	return &genealogy.MemberService{Store: d.store, Plan: d.plan, Now: time.Now, RootID: d.cfg.RootID, Audit: d.auditor()}
}

func (d *deps) auditor() *graph.Auditor {
	return &graph.Auditor{Log: d.store, Now: time.Now, Slog: d.log}
}

func serve() error {
	d, err := open()
	if err != nil {
		return err
	}
	log := d.log
	log.Info("halod starting", "config", d.cfg)
	if d.cfg.Dev {
		log.Warn("HALO_DEV=true: development defaults in use; never run production like this")
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()

	// Start-up work retries in the background until Neo4j answers; /readyz says "starting" meanwhile.
	limiter := &identity.LoginLimiter{}
	imports := &genealogy.ImportService{Store: d.store, Plan: d.plan, Now: time.Now, Log: log, Audit: d.auditor()}
	counters := d.counters()
	projector := &payouts.Projector{Feed: d.store, Log: log, Interval: d.cfg.ProjectionInterval}
	runs := &payouts.PayoutService{Store: d.store, Plan: d.plan, Now: time.Now, Log: log, AfterCommit: counters.Invalidate, Audit: d.auditor()}
	var bootErr atomic.Value
	bootErr.Store(errors.New("migrations and bootstrap have not run yet"))
	go func() {
		b := d.bootstrap()
		for delay := 500 * time.Millisecond; ; delay = min(delay*2, 10*time.Second) {
			err := b.Run(ctx)
			if err == nil {
				err = imports.RecoverInterrupted(ctx)
			}
			if err == nil {
				err = runs.ResumeInterrupted(ctx)
			}
			if err == nil {
				bootErr.Store(errNone)
				log.Info("bootstrap complete")
				go counters.Run(ctx)
				go runs.Prune(ctx)
				projector.Payouts = runs
				go projector.Run(ctx)
				return
			}
			bootErr.Store(errors.New("bootstrap pending: " + graph.AsError(err).Message))
			log.Warn("bootstrap failed, retrying", "error", err, "retry_in", delay)
			select {
			case <-ctx.Done():
				return
			case <-time.After(delay):
			}
		}
	}()
	srv := &api.Server{
		Log: log,
		Health: &platform.HealthService{Graph: d.store, Cache: d.cache, Ready: func() error {
			if e := bootErr.Load().(error); e != errNone {
				return e
			}
			return nil
		}},
		Auth: &identity.AuthService{Accounts: d.store, Tokens: identity.NewTokenSigner([]byte(d.cfg.SecretKey), d.cfg.TokenTTL),
			Sessions: d.store, Limiter: limiter},
		Resets:   &identity.ResetService{Accounts: d.store, Store: d.store, Sessions: d.store, Notifier: notify.LogNotifier{Log: log}, Now: time.Now, Limiter: limiter},
		Members:  d.members(),
		Holdings: &sales.HoldingsService{Store: d.store},
		Imports:  imports,
		Vendors:  d.vendors(),
		Ingest:   &sales.IngestService{Store: d.store, Box: sales.NewSecretBox([]byte(d.cfg.SecretKey)), Now: time.Now, Log: log},
		Counters: counters,
		Payouts:  runs,
		Wallets:  &payouts.WalletService{Store: d.store, Members: d.store, Audit: d.auditor(), Now: time.Now, MinWithdrawal: d.cfg.MinWithdrawal},
		Audit:    d.auditor(),
		Access:   &genealogy.Access{Store: d.store},
	}
	srv.Content, srv.Gatherings = d.content(), d.field()
	srv.Dashboards = &dashboards.DashboardService{Store: d.store, Members: srv.Members, Holdings: srv.Holdings, Runs: d.store, Health: srv.Health, Now: time.Now,
		Consultants: d.store, Counters: counters, Projector: projector, Field: srv.Gatherings}
	hs := &http.Server{Addr: d.cfg.Addr, Handler: srv.Handler(), ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 120 * time.Second}
	errc := make(chan error, 1)
	go func() {
		log.Info("listening", "addr", d.cfg.Addr, "swagger", "/swagger/index.html")
		errc <- hs.ListenAndServe()
	}()
	select {
	case err := <-errc:
		if !errors.Is(err, http.ErrServerClosed) {
			return err
		}
	case <-ctx.Done():
		log.Info("shutting down", "timeout", d.cfg.ShutdownTimeout)
	}
	sctx, cancel := context.WithTimeout(context.Background(), d.cfg.ShutdownTimeout)
	defer cancel()
	err = hs.Shutdown(sctx)
	_ = d.cache.Close()
	_ = d.store.Close(sctx)
	log.Info("stopped")
	return err
}

// errNone marks a finished bootstrap (atomic.Value cannot hold nil).
var errNone = errors.New("none")

func migrate() error {
	d, err := open()
	if err != nil {
		return err
	}
	defer d.store.Close(context.Background())
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	return d.bootstrap().Run(ctx)
}

func seedDemo() error {
	d, err := open()
	if err != nil {
		return err
	}
	defer d.store.Close(context.Background())
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	if err := d.bootstrap().Run(ctx); err != nil {
		return err
	}
	secrets, err := SeedDemo(ctx, d.vendors(), d.members(), d.cfg.RootID, d.log)
	if err != nil {
		return err
	}
	if err := SeedField(ctx, d.content(), d.field(), d.log); err != nil {
		return err
	}
	for v, s := range secrets {
		// Shown this once, to the operator's terminal (never to the log).
		fmt.Printf("demo vendor %s signing secret: %s\n", v, s)
	}
	return nil
}

func (d *deps) content() *field.ContentService {
	return &field.ContentService{Store: d.store, Members: d.store, Audit: d.auditor(), Now: time.Now}
}

func (d *deps) field() *field.GatheringService {
	return &field.GatheringService{Store: d.store, Members: d.store, Audit: d.auditor(), Now: time.Now, Log: d.log,
		Notifier: notify.LogNotifier{Log: d.log}, JoinWindow: d.cfg.JoinWindow}
}

func (d *deps) vendors() *sales.VendorService {
	return &sales.VendorService{Store: d.store, Box: sales.NewSecretBox([]byte(d.cfg.SecretKey)), Now: time.Now, Audit: d.auditor()}
}

func (d *deps) counters() *payouts.LiveCounters {
	return &payouts.LiveCounters{Feed: d.store, Cache: d.cache, Log: d.log}
}

func rebuildCounters() error {
	d, err := open()
	if err != nil {
		return err
	}
	defer d.store.Close(context.Background())
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Minute)
	defer cancel()
	return d.counters().Rebuild(ctx)
}
