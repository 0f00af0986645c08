package main

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"
)

func TestPprofListensOnlyOnLoopback(t *testing.T) {
	log := slog.New(slog.DiscardHandler)
	for _, addr := range []string{"0.0.0.0:0", ":0", "192.0.2.1:6060"} {
		err := startSidecars(context.Background(), serveConfig{pprof: addr}, log, io.Discard)
		if err == nil || !strings.Contains(err.Error(), "loopback") {
			t.Errorf("--pprof %s: %v", addr, err)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	if err := startSidecars(ctx, serveConfig{pprof: "127.0.0.1:0"}, log, io.Discard); err != nil {
		t.Fatalf("--pprof 127.0.0.1:0: %v", err)
	}
}

func TestServeHasNoBaselineFlag(t *testing.T) {
	_, err := parseServe([]string{"--baseline", "127.0.0.1:8081"}, func(string) string { return "" }, io.Discard)
	if err == nil {
		t.Fatal("serve accepted --baseline")
	}
}
