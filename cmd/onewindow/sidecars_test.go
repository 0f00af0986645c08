package main

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"
)

func TestPprofAndBaselineListenOnlyOnLoopback(t *testing.T) {
	log := slog.New(slog.DiscardHandler)
	for _, addr := range []string{"0.0.0.0:0", ":0", "192.0.2.1:6060"} {
		stop, err := startSidecars(context.Background(), serveConfig{pprof: addr}, nil, log, io.Discard)
		stop()
		if err == nil || !strings.Contains(err.Error(), "loopback") {
			t.Errorf("--pprof %s: %v", addr, err)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	stop, err := startSidecars(ctx, serveConfig{pprof: "127.0.0.1:0"}, nil, log, io.Discard)
	defer stop()
	if err != nil {
		t.Fatalf("--pprof 127.0.0.1:0: %v", err)
	}
}
