package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"time"

	"onewindow/handlers"
	"onewindow/models"
)

// startSidecars starts the optional listeners next to the main one: the load
// tool's baselines (--baseline) and pprof (--pprof), both on loopback only
// and both absent unless asked for. They stop when ctx ends.
func startSidecars(ctx context.Context, cfg serveConfig, store *models.Store, log *slog.Logger, stdout io.Writer) (func(), error) {
	var closers []func()
	stop := func() {
		for _, c := range closers {
			c()
		}
	}
	start := func(addr, what string, h http.Handler) error {
		if err := handlers.CheckLoopback(addr); err != nil {
			return fmt.Errorf("--%s: %w", what, err)
		}
		ln, err := net.Listen("tcp", addr)
		if err != nil {
			return fmt.Errorf("--%s: %w", what, err)
		}
		fmt.Fprintf(stdout, "%s listener on http://%s\n", what, ln.Addr())
		go func() {
			if err := serveHTTP(ctx, ln, h, log); err != nil {
				log.Warn("listener stopped", "listener", what, "error", err)
			}
		}()
		return nil
	}
	if cfg.baseline != "" {
		b, err := store.OpenBaseline(ctx)
		if err != nil {
			return stop, err
		}
		closers = append(closers, func() { b.Close() })
		if err := start(cfg.baseline, "baseline", handlers.BaselineHandler(b, time.Now)); err != nil {
			return stop, err
		}
	}
	if cfg.pprof != "" {
		if err := start(cfg.pprof, "pprof", handlers.DebugHandler()); err != nil {
			return stop, err
		}
	}
	return stop, nil
}
