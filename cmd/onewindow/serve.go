package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"onewindow/handlers"
	"onewindow/models"
	"onewindow/models/demo"
	"onewindow/web"
	"onewindow/workflow"
)

// serveConfig is the serve command's settings: flags, with ONEWINDOW_*
// environment variables as defaults.
type serveConfig struct {
	addr        string
	data        string
	demo        bool
	synchronous string
	logFormat   string
	pprof       string // listen address of net/http/pprof; empty: none
	// trustedProxies lists the reverse proxies (comma-separated) whose X-Forwarded-For counts.
	trustedProxies string
	publicURL      string  // https://… behind a TLS proxy: Secure cookies and HSTS
	keyFile        string  // seals personal data; default onewindow.key in the data folder
	db             *string // --db: a postgres:// URL, or "" for SQLite in the data folder
	files          string  // where uploads are kept: a folder or s3://bucket/prefix (files.go)
	// integrityEvery is how often PRAGMA quick_check probes the database; 0: never.
	integrityEvery time.Duration
	// passwordMaxDays is the largest age of a password in days before it must be changed
	// (a warning the last 14 days); 0: no expiry.
	passwordMaxDays int
	// filingsPerHour caps the online filings from one client address in an hour; 0: no cap.
	filingsPerHour int
	// metricsToken, when set, is the bearer token /metrics asks of every scraper; empty:
	// /metrics answers loopback connections only.
	metricsToken string
	// paymentSecret is the HMAC-SHA256 key the payment platform signs its callbacks
	// with; empty: the callback endpoint refuses every report.
	paymentSecret string
	// outbox is how notifications are sent (outbox.go).
	outbox outboxConfig
}

// minMetricsToken is the shortest bearer token /metrics accepts as a setting.
const minMetricsToken = 16

func parseServe(args []string, getenv func(string) string, stderr io.Writer) (serveConfig, error) {
	env := func(name, def string) string {
		if v := getenv("ONEWINDOW_" + name); v != "" {
			return v
		}
		return def
	}
	demoDefault, _ := strconv.ParseBool(env("DEMO", "false"))
	var cfg serveConfig
	integrityEvery, err := time.ParseDuration(env("INTEGRITY_EVERY", "10m"))
	if err != nil {
		return cfg, fmt.Errorf("ONEWINDOW_INTEGRITY_EVERY: %w", err)
	}
	passwordMaxDays, err := strconv.Atoi(env("PASSWORD_MAX_DAYS", "90"))
	if err != nil {
		return cfg, fmt.Errorf("ONEWINDOW_PASSWORD_MAX_DAYS must be a whole number of days: %w", err)
	}
	filingsPerHour, err := strconv.Atoi(env("FILINGS_PER_HOUR", "30"))
	if err != nil {
		return cfg, fmt.Errorf("ONEWINDOW_FILINGS_PER_HOUR must be a whole number: %w", err)
	}
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&cfg.addr, "addr", env("ADDR", "127.0.0.1:8080"), "listen address (ONEWINDOW_ADDR)")
	fs.StringVar(&cfg.data, "data", env("DATA", "./data"), "data folder holding the database and uploads (ONEWINDOW_DATA)")
	cfg.db = dbFlag(fs, getenv)
	fs.BoolVar(&cfg.demo, "demo", demoDefault, "seed the demonstration catalogue and accounts into a new data folder (ONEWINDOW_DEMO)")
	fs.StringVar(&cfg.synchronous, "synchronous", env("SYNCHRONOUS", "FULL"), "SQLite synchronous setting; FULL keeps every acknowledged write through a power cut (ONEWINDOW_SYNCHRONOUS)")
	fs.StringVar(&cfg.logFormat, "log-format", env("LOG_FORMAT", "text"), "log format: text or json (ONEWINDOW_LOG_FORMAT)")
	fs.StringVar(&cfg.pprof, "pprof", "", "serve net/http/pprof on this loopback address, e.g. 127.0.0.1:6060")
	fs.StringVar(&cfg.publicURL, "public-url", env("PUBLIC_URL", ""),
		"the address people reach the site at, e.g. https://zwfw.example.gov.cn; https makes every cookie Secure and adds HSTS (ONEWINDOW_PUBLIC_URL)")
	fs.StringVar(&cfg.trustedProxies, "trusted-proxies", env("TRUSTED_PROXIES", ""),
		"comma-separated addresses or CIDR ranges of the reverse proxies whose X-Forwarded-For names the client; none by default (ONEWINDOW_TRUSTED_PROXIES)")
	fs.StringVar(&cfg.keyFile, "key-file", env("KEY_FILE", ""),
		"the key file sealing identity numbers, phones and answers in the database; keep it apart from the data and its backups (ONEWINDOW_KEY_FILE; default: onewindow.key in the data folder)")
	fs.StringVar(&cfg.files, "files", env("FILES", ""), filesUsage)
	fs.DurationVar(&cfg.integrityEvery, "integrity-every", integrityEvery,
		"how often a background PRAGMA quick_check probes the database; /healthz answers 503 after a failed probe; 0 turns it off (ONEWINDOW_INTEGRITY_EVERY)")
	fs.IntVar(&cfg.passwordMaxDays, "password-max-days", passwordMaxDays,
		"days a password lasts: staff are warned 14 days before and must change an expired one before anything else; 0 turns expiry off (ONEWINDOW_PASSWORD_MAX_DAYS)")
	fs.IntVar(&cfg.filingsPerHour, "filings-per-hour", filingsPerHour,
		"online filings (single or 一件事) one client address may make in an hour; staff at the window are not counted; 0 turns the cap off (ONEWINDOW_FILINGS_PER_HOUR)")
	fs.StringVar(&cfg.paymentSecret, "payment-secret", env("PAYMENT_SECRET", ""),
		"the shared secret (at least 16 characters) of the payment platform's signed callbacks (or ONEWINDOW_PAYMENT_SECRET); empty disables the callback")
	fs.StringVar(&cfg.metricsToken, "metrics-token", env("METRICS_TOKEN", ""),
		"bearer token for GET /metrics (Prometheus); without one /metrics answers loopback connections only; at least 16 characters; prefer the environment variable, a flag shows in the process list (ONEWINDOW_METRICS_TOKEN)")
	addOutboxFlags(fs, env, &cfg.outbox)
	if err := fs.Parse(args); err != nil {
		return cfg, err
	}
	if err := cfg.outbox.check(); err != nil {
		return cfg, err
	}
	if fs.NArg() > 0 {
		return cfg, fmt.Errorf("serve: unexpected argument %q", fs.Arg(0))
	}
	switch {
	case cfg.integrityEvery < 0:
		return cfg, fmt.Errorf("serve: --integrity-every must not be negative")
	case cfg.passwordMaxDays < 0 || cfg.passwordMaxDays > 3650:
		return cfg, fmt.Errorf("serve: --password-max-days must be 0 (off) to 3650")
	case cfg.filingsPerHour < 0:
		return cfg, fmt.Errorf("serve: --filings-per-hour must not be negative")
	case cfg.paymentSecret != "" && len(cfg.paymentSecret) < minMetricsToken:
		return cfg, fmt.Errorf("serve: --payment-secret must be at least %d characters", minMetricsToken)
	case cfg.metricsToken != "" && (len(cfg.metricsToken) < minMetricsToken || strings.TrimSpace(cfg.metricsToken) != cfg.metricsToken):
		return cfg, fmt.Errorf("serve: --metrics-token must be at least %d characters with no surrounding spaces", minMetricsToken)
	}
	return cfg, nil
}

// splitList splits a comma-separated setting, leaving out blanks.
func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func newLogger(format string, w io.Writer) (*slog.Logger, error) {
	switch format {
	case "text":
		return slog.New(slog.NewTextHandler(w, nil)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(w, nil)), nil
	}
	return nil, fmt.Errorf("log format must be text or json, not %q", format)
}

func serve(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	cfg, err := parseServe(args, getenv, stderr)
	if err != nil {
		return err
	}
	logs := newLogBuffer(stderr)
	log, err := newLogger(cfg.logFormat, logs)
	if err != nil {
		return err
	}
	logCtx, stopLogs := context.WithCancel(context.Background())
	logsDone := make(chan struct{})
	go func() { logs.run(logCtx); close(logsDone) }()
	defer func() { stopLogs(); <-logsDone }() // the last lines, after shutdown's
	log = slog.New(urgentFlush{log.Handler(), logs})
	opt, err := storeOptions(getenv, cfg.keyFile)
	if err != nil {
		return err
	}
	opt.Synchronous = cfg.synchronous
	opt.DB = *cfg.db
	store, err := models.Open(ctx, cfg.data, opt)
	if err != nil {
		return err
	}
	defer store.Close()
	if err := seed(ctx, store, cfg.demo, log); err != nil {
		return err
	}
	if err := seedAccounts(ctx, store, cfg.demo, stdout); err != nil {
		return err
	}
	files, err := openFiles(ctx, cfg.files, cfg.data, getenv)
	if err != nil {
		return err
	}
	site, err := web.New()
	if err != nil {
		return err
	}
	senders, outboxLog, err := cfg.outbox.senders(cfg.data)
	if err != nil {
		return err
	}
	defer outboxLog.Close()
	srv, err := handlers.New(ctx, handlers.Config{Store: store, Site: site, Logger: log, Demo: cfg.demo, Senders: senders,
		TrustedProxies: splitList(cfg.trustedProxies), PublicURL: cfg.publicURL, FilingsPerHour: cfg.filingsPerHour,
		PasswordMaxAge: time.Duration(cfg.passwordMaxDays) * 24 * time.Hour, MetricsToken: cfg.metricsToken,
		PaymentSecret: cfg.paymentSecret, Files: files})
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", cfg.addr)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	fmt.Fprintf(stdout, "OneWindow is serving on http://%s (data in %s)\n", ln.Addr(), cfg.data)
	if cfg.demo {
		fmt.Fprintln(stdout, "DEMO MODE: the catalogue is demonstration data, not the published list.")
	}
	if err := startSidecars(ctx, cfg, log, stdout); err != nil {
		return err
	}
	go maintain(ctx, store, log)
	// 容缺受理 whose materials are overdue are terminated (终止) within a minute of their due day ending.
	go srv.RunPendingSweeper(ctx, time.Minute, log)
	// 黄牌 / 红牌: open tasks near or past their promised deadline are carded within a minute.
	go srv.RunCardSweeper(ctx, time.Minute, log)
	// Notifications: the outbox's due messages are sent (leased, so every instance may run it).
	go srv.RunOutboxDispatcher(ctx, cfg.outbox.every, log)
	// Statistics: new events are counted into the daily and monthly aggregates every 30 s.
	go srv.RunStatsCatchUp(ctx, 30*time.Second, log)
	// The integrity probe stops at shutdown (or when serving fails), before the deferred
	// Close of the store.
	probeCtx, stopProbe := context.WithCancel(ctx)
	probeDone := make(chan struct{})
	go func() { defer close(probeDone); store.WatchIntegrity(probeCtx, cfg.integrityEvery, log) }()
	defer func() { stopProbe(); <-probeDone }()
	return serveHTTP(ctx, ln, srv.Handler(), log)
}

// seed fills a new database: the working-day calendar always, the
// demonstration catalogue with --demo.
func seed(ctx context.Context, store *models.Store, withDemo bool, log *slog.Logger) error {
	if ok, err := store.SeedCalendar(ctx, workflow.DefaultCalendarDays()); err != nil {
		return err
	} else if ok {
		log.Info("seeded the 2025–2026 working-day calendar")
	}
	// 2025–2026 are the official schedules above; 2027 counts weekends only
	// until its schedule is imported (an imported year stays official).
	if err := store.SeedCalendarYears(ctx, workflow.DefaultCalendarYears(), time.Now()); err != nil {
		return err
	}
	if !withDemo {
		return store.SeedItemTypes(ctx, models.DefaultItemTypes())
	}
	start := time.Now()
	depts, _, items := demo.Catalogue()
	ok, err := store.SeedCatalogue(ctx, depts, models.DefaultItemTypes(), items)
	if err != nil {
		return err
	}
	if ok {
		log.Info("seeded the demonstration catalogue", "departments", len(depts), "items", len(items), "took", time.Since(start))
	}
	bundles, err := demo.Bundles(items)
	if err != nil {
		return err
	}
	if ok, err := store.SeedBundles(ctx, bundles, time.Now()); err != nil {
		return err
	} else if ok {
		log.Info("seeded the demonstration 一件事 bundles", "bundles", len(bundles))
	}
	cal, err := workflow.NewCalendar(workflow.DefaultCalendarDays())
	if err != nil {
		return err
	}
	start = time.Now()
	if ok, err := demo.SeedInspections(ctx, store, depts, items, cal); err != nil {
		return err
	} else if ok {
		log.Info("seeded the demonstration 双随机一公开 (lists, entities, inspectors, plans)", "took", time.Since(start))
	}
	if ok, err := store.SeedSite(ctx, demo.Site(), time.Now()); err != nil {
		return err
	} else if ok {
		log.Info("seeded the demonstration site settings", "district", demo.Site().District)
	}
	return nil
}

// serveHTTP serves until ctx ends, then shuts down gracefully.
func serveHTTP(ctx context.Context, ln net.Listener, h http.Handler, log *slog.Logger) error {
	hs := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       2 * time.Minute,
		WriteTimeout:      2 * time.Minute,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	if err := hs.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// maintain deletes expired sessions and old idempotency keys (with the query
// codes kept for retries), checkpoints the WAL and refreshes the planner
// statistics now and then.
func maintain(ctx context.Context, store *models.Store, log *slog.Logger) {
	t := time.NewTicker(10 * time.Minute)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			now := time.Now()
			for what, err := range map[string]error{
				"purge expired sessions":     store.PurgeSessions(ctx, now),
				"purge old idempotency keys": store.PurgeIdempotencyKeys(ctx, now.Add(-models.IdempotencyRetention)),
				"checkpoint and optimize":    store.Maintain(ctx),
			} {
				if err != nil && ctx.Err() == nil {
					log.Warn("database maintenance: "+what, "error", err)
				}
			}
		}
	}
}

func printVersion(w io.Writer) error {
	_, err := fmt.Fprintf(w, "onewindow %s (schema %d)\n", version, models.SchemaVersion())
	return err
}
