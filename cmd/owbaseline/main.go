// Command owbaseline serves the load tool's same-run baselines as a process
// of its own, next to a running server and on the same data folder:
//
//	GET  /baseline/bare                          a bare gin handler, a small JSON
//	GET  /baseline/sql/status?number=&code=      the status lookup's three prepared statements, raw
//	POST /baseline/sql/file {"id_number","name"} a filing's eight statements, one durable commit each
//
// It opens the server's database file read-only with the store's pragmas
// and writes its filings to baseline.db next to it. It listens on loopback
// only: it has no login.
//
//	go run ./cmd/owbaseline -data /tmp/ow1m -addr 127.0.0.1:8081
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
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"onewindow/cmd/owbaseline/baseline"
	"onewindow/handlers"
	"onewindow/models"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "owbaseline:", err)
		os.Exit(1)
	}
}

// config is the command's settings.
type config struct {
	addr, data, synchronous string
	readers                 int
}

func parseFlags(args []string, getenv func(string) string, stderr io.Writer) (config, error) {
	var cfg config
	data := getenv("ONEWINDOW_DATA")
	if data == "" {
		data = "./data"
	}
	fs := flag.NewFlagSet("owbaseline", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&cfg.addr, "addr", "127.0.0.1:8081", "loopback listen address")
	fs.StringVar(&cfg.data, "data", data, "the server's data folder (ONEWINDOW_DATA)")
	fs.StringVar(&cfg.synchronous, "synchronous", "FULL", "SQLite synchronous setting, as the server's")
	fs.IntVar(&cfg.readers, "readers", 4, "read pool size, as the server's")
	if err := fs.Parse(args); err != nil {
		return cfg, err
	}
	if fs.NArg() > 0 {
		return cfg, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	if err := handlers.CheckLoopback(cfg.addr); err != nil {
		return cfg, fmt.Errorf("-addr: %w", err)
	}
	return cfg, nil
}

func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	cfg, err := parseFlags(args, getenv, stderr)
	if err != nil {
		return err
	}
	if _, err := os.Stat(filepath.Join(cfg.data, models.DatabaseFile)); err != nil {
		return fmt.Errorf("no database in %s (start the server on it, or fill it with owload seed, first): %w", cfg.data, err)
	}
	b, err := baseline.Open(ctx, cfg.data, models.Options{Synchronous: cfg.synchronous, Readers: cfg.readers})
	if err != nil {
		return err
	}
	defer b.Close()
	ln, err := net.Listen("tcp", cfg.addr)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "baseline listener on http://%s (data in %s)\n", ln.Addr(), cfg.data)
	hs := &http.Server{Handler: baseline.Handler(b, time.Now), ReadHeaderTimeout: 10 * time.Second,
		ErrorLog: slog.NewLogLogger(slog.NewTextHandler(stderr, nil), slog.LevelWarn)}
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := hs.Shutdown(shutdownCtx); err != nil {
		return err
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
