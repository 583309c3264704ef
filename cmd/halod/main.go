// Command halod is the Halo service and its operator tools; `halod help` lists the commands
// (cli.go) and `halod COMMAND --help` describes one.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/pprof"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"
	"time"

	"github.com/halo-oss/halo/internal/app"
)

func main() {
	if err := run(os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "halod:", err)
		os.Exit(exitCode(err))
	}
}

func run(args []string, stdout, stderr io.Writer) error {
	name := "serve"
	if len(args) > 0 {
		name, args = args[0], args[1:]
	}
	if name == "-h" || name == "--help" || name == "help" {
		if len(args) == 0 {
			printHelp(stdout)
			return nil
		}
		c := findCommand(args[0])
		if c == nil {
			return usagef("unknown command %q (see: halod help)", args[0])
		}
		printCommandHelp(stdout, c)
		return nil
	}
	c := findCommand(name)
	if c == nil {
		return usagef("unknown command %q (see: halod help)", name)
	}
	if wantsHelp(args) {
		printCommandHelp(stdout, c)
		return nil
	}
	if name == "simulate" {
		return simulate(args, stdout)
	}
	given, err := onlyFlags(c, args)
	if err != nil {
		return err
	}
	switch name {
	case "serve":
		return serve()
	case "migrate":
		return migrate()
	case "plan":
		return printPlan(stdout, given["--json"])
	case "seed-demo":
		return seedDemo()
	case "rebuild-counters":
		return rebuildCounters()
	}
	return usagef("unknown command %q (see: halod help)", name)
}

func newLogger(c *app.Config) *slog.Logger {
	opts := &slog.HandlerOptions{Level: c.LogLevel}
	if c.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(os.Stderr, opts))
	}
	return slog.New(slog.NewTextHandler(os.Stderr, opts))
}

// open reads the configuration and builds Halo through the composition root.
func open() (*app.App, error) {
	cfg, err := app.LoadConfig(time.Now())
	if err != nil {
		return nil, err
	}
	log := newLogger(cfg)
	slog.SetDefault(log)
	// A soft limit: the GC works harder near it instead of letting a million-member run's heap
	// grow to twice its live size.
	debug.SetMemoryLimit(cfg.MemoryLimit)
	return app.Open(cfg, log)
}

func serve() error {
	a, err := open()
	if err != nil {
		return err
	}
	log, cfg := a.Log, a.Config
	log.Info("halod starting", "config", cfg)
	if cfg.Dev {
		log.Warn("HALO_DEV=true: development defaults in use; never run production like this")
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()

	// Start-up work retries in the background until Neo4j answers; /readyz says "starting" meanwhile.
	go a.Start(ctx)
	if cfg.PprofAddr != "" {
		// Profiling for operators, on a listener of its own that the API never shares.
		mux := http.NewServeMux()
		mux.HandleFunc("/debug/pprof/", pprof.Index)
		mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
		mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
		go func() {
			log.Info("profiler listening", "addr", cfg.PprofAddr)
			ps := &http.Server{Addr: cfg.PprofAddr, Handler: mux, ReadHeaderTimeout: 10 * time.Second}
			if err := ps.ListenAndServe(); err != nil {
				log.Warn("profiler stopped", "error", err)
			}
		}()
	}
	hs := &http.Server{Addr: cfg.Addr, Handler: a.API().Handler(), ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 120 * time.Second}
	errc := make(chan error, 1)
	go func() {
		log.Info("listening", "addr", cfg.Addr, "swagger", "/swagger/index.html")
		errc <- hs.ListenAndServe()
	}()
	select {
	case err := <-errc:
		if !errors.Is(err, http.ErrServerClosed) {
			return err
		}
	case <-ctx.Done():
		log.Info("shutting down", "timeout", cfg.ShutdownTimeout)
	}
	sctx, cancel := context.WithTimeout(context.Background(), cfg.ShutdownTimeout)
	defer cancel()
	err = hs.Shutdown(sctx)
	a.Close(sctx)
	log.Info("stopped")
	return err
}

func migrate() error {
	a, err := open()
	if err != nil {
		return err
	}
	defer a.Close(context.Background())
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	return a.Bootstrap.Run(ctx)
}

func seedDemo() error {
	a, err := open()
	if err != nil {
		return err
	}
	defer a.Close(context.Background())
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	if err := a.Bootstrap.Run(ctx); err != nil {
		return err
	}
	secrets, err := SeedDemo(ctx, a.Vendors, a.Members, a.Config.RootID, a.Log)
	if err != nil {
		return err
	}
	if err := SeedField(ctx, a.Content, a.Field, a.Log); err != nil {
		return err
	}
	if _, err := SeedHistory(ctx, a, a.Config.RootID, a.Log); err != nil {
		return err
	}
	for v, s := range secrets {
		// Shown this once, to the operator's terminal (never to the log).
		fmt.Printf("demo vendor %s signing secret: %s\n", v, s)
	}
	return nil
}

func rebuildCounters() error {
	a, err := open()
	if err != nil {
		return err
	}
	defer a.Close(context.Background())
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Minute)
	defer cancel()
	done, err := a.Counters.Rebuild(ctx)
	if err == nil && !done {
		fmt.Println("a running halod holds the counters' lease: it was asked to rebuild and does so within a second")
	}
	return err
}
