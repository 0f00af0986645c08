package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"

	"onewindow/handlers"
)

// startSidecars starts the optional listener next to the main one: pprof
// (--pprof), on loopback only and absent unless asked for. It stops when
// ctx ends.
func startSidecars(ctx context.Context, cfg serveConfig, log *slog.Logger, stdout io.Writer) error {
	if cfg.pprof == "" {
		return nil
	}
	if err := handlers.CheckLoopback(cfg.pprof); err != nil {
		return fmt.Errorf("--pprof: %w", err)
	}
	ln, err := net.Listen("tcp", cfg.pprof)
	if err != nil {
		return fmt.Errorf("--pprof: %w", err)
	}
	fmt.Fprintf(stdout, "pprof listener on http://%s\n", ln.Addr())
	go func() {
		if err := serveHTTP(ctx, ln, handlers.DebugHandler(), log); err != nil {
			log.Warn("listener stopped", "listener", "pprof", "error", err)
		}
	}()
	return nil
}
